"""Model signals that keep the index in step: a registered model saved or deleted is
re-indexed after its transaction commits."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save


def connect(kind) -> None:
    model = apps.get_model(kind.model)

    def saved(sender, instance, raw=False, **kwargs):
        if raw:  # loading fixtures
            return
        from hub.search.services import queue

        queue(kind.name, instance.pk)

    def deleted(sender, instance, **kwargs):
        from hub.search.services import queue

        queue(kind.name, instance.pk)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"search-{kind.name}-save")
    post_delete.connect(deleted, sender=model, weak=False,
                        dispatch_uid=f"search-{kind.name}-delete")
