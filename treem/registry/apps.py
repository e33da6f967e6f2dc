from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_villages(sender: Any, **kwargs: Any) -> None:
    from treem.registry.selectors import forget_villages

    forget_villages()


class RegistryConfig(AppConfig):
    name = "treem.registry"
    label = "registry"

    def ready(self) -> None:
        from treem.core.models import Area

        # the villages read for filters (`selectors.villages_for`) are read again after
        # an area changes in this process (other processes within a few minutes)
        post_save.connect(_forget_villages, sender=Area, dispatch_uid="registry.villages")
        post_delete.connect(_forget_villages, sender=Area, dispatch_uid="registry.villages.del")
