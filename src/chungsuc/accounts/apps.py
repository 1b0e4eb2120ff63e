from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chungsuc.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.core import checks

        from chungsuc.accounts import matrix

        # The permission matrix (data/permissions/*.yaml) is checked at start-up, and so is every action
        # name the code and the templates use: a typo is refused at definition time.
        checks.register(matrix.check, "chungsuc")
