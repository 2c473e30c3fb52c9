"""The library's background tasks (django-tasks). ``make run`` works them with
``manage.py db_worker``; tests run them at once (the ImmediateBackend).

Tasks take ids, never objects, and call the same services as pages and commands.
"""

from django_tasks import task

from hub.library.models import ImportRun
from hub.library.services.importing import import_run_execute


@task()
def import_run_process(import_run_id: int) -> dict:
    """Import a file a curator uploaded; progress and the report are kept on the run."""
    run = ImportRun.objects.filter(pk=import_run_id).first()
    if run is None:  # deleted before the worker got to it
        return {}
    run = import_run_execute(run=run)
    return {"status": run.status, **{key: run.report.get(key) for key in
                                     ("created", "updated", "unchanged", "rejected")}}
