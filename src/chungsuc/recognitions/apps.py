from django.apps import AppConfig


class RecognitionsConfig(AppConfig):
    name = "chungsuc.recognitions"
    label = "recognitions"
    verbose_name = "Công nhận"

    def ready(self) -> None:
        from chungsuc.accounts.permissions import declare
        from chungsuc.recognitions import models as m

        # where each row stands for the permission layer (Decision and RecognitionRecord have a `unit`)
        for model in (m.ConditionCheck, m.Consultation, m.SatisfactionSurvey):
            declare(model, unit="assessment__unit")
        declare(m.ConsultationComment, unit="consultation__assessment__unit")
