from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "treem.reports"
    label = "reports"
