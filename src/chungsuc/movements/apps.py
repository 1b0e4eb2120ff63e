from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "chungsuc.movements"
    label = "movements"
    verbose_name = "Phong trào thi đua"

    def ready(self):
        from chungsuc.accounts.permissions import declare
        from chungsuc.core.workflow import workflow_subject_register
        from chungsuc.movements import access
        from chungsuc.movements import models as m

        # Where a movement's rows stand for the permission layer: a movement covers its province's
        # whole subtree (`area`: scope `view` reaches it from any unit below) and belongs to its
        # participants' organisations; a participant's obligations, reports and proposed amendments
        # belong to the participant's organisation (scope `participant`) within the movement's area.
        declare(m.Movement, area="province", organisation="participants__organisation")
        declare(m.Participant, area="movement__province", organisation="organisation")
        declare(
            m.Obligation, area="participant__movement__province", organisation="participant__organisation"
        )
        declare(
            m.Report,
            area="obligation__participant__movement__province",
            organisation="obligation__participant__organisation",
        )
        declare(m.Amendment, area="movement__province", organisation="proposed_by__organisation")

        # who may act on a participant's report, and who is told: the engine asks this app
        workflow_subject_register(
            "movements.report", can_act=access.report_can_act, recipients=access.report_recipients
        )
