from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "chungsuc.movements"
    label = "movements"
    verbose_name = "Phong trào thi đua"

    def ready(self):
        from chungsuc.core.workflow import workflow_subject_register
        from chungsuc.movements import access

        # who may act on a participant's report, and who is told: the engine asks this app
        workflow_subject_register(
            "movements.report", can_act=access.report_can_act, recipients=access.report_recipients
        )
