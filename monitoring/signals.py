"""Task context for error reports: an error in a db_worker task names the task it came from."""

import sentry_sdk
from django.dispatch import receiver
from django_tasks.signals import task_finished, task_started


@receiver(task_started)
def tag_task(sender, task_result, **kwargs):
    scope = sentry_sdk.get_isolation_scope()
    scope.set_tag("task", task_result.task.module_path)
    scope.set_context("task", {"id": str(task_result.id), "path": task_result.task.module_path})


@receiver(task_finished)
def untag_task(sender, task_result, **kwargs):
    # After the finished signal's own error log, so the report still carries the task.
    scope = sentry_sdk.get_isolation_scope()
    scope.remove_tag("task")
    scope.remove_context("task")
