from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "treem.programs"
    label = "programs"
