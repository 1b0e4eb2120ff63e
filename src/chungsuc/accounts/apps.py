from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chungsuc.accounts"
    label = "accounts"
