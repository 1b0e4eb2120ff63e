from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "chungsuc.assessments"
    label = "assessments"

    def ready(self) -> None:
        from chungsuc.accounts.permissions import declare
        from chungsuc.assessments.models import AssessmentValue, EvaluationResult, Evidence

        # where each row stands for the permission layer (Assessment has its own `unit`)
        for model in (AssessmentValue, EvaluationResult, Evidence):
            declare(model, unit="assessment__unit")
