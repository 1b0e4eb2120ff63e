from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "chungsuc.reports"
    label = "reports"
    verbose_name = _("Báo cáo và văn bản")

    def ready(self) -> None:
        from chungsuc.accounts.permissions import declare
        from chungsuc.reports.models import GeneratedDocument

        # a document is reached through the unit it is about, and by the person who asked for it
        declare(GeneratedDocument, unit="unit", person="requested_by")
