"""Model signals that keep the index in step: a registered model saved or deleted, or one of
its many-to-many relations changed (an entry's organisations), is re-indexed after its
transaction commits. Re-indexing an unchanged text costs no embedding (``text_hash``)."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save


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

    def related(sender, instance, action, reverse=False, pk_set=None, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        from hub.search.services import queue

        if not reverse:
            queue(kind.name, instance.pk)
        else:  # changed from the other side: every object of ours it touched
            for pk in pk_set or ():
                queue(kind.name, pk)

    for field in model._meta.many_to_many:
        m2m_changed.connect(related, sender=field.remote_field.through, weak=False,
                            dispatch_uid=f"search-{kind.name}-{field.name}")
