"""Background tasks: their states, retrying a failed one, starting one by hand (administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from workplan.api.endpoints import actor, status
from workplan.api.pagination import keyset_page
from workplan.api.schemas import DEFAULT_LIMIT, IdCursor, Limit, Out, PathId, responses
from workplan.tasks import selectors, services
from workplan.tasks.models import Task, TaskState

router = Router(tags=["tasks"])


class TaskOut(Out):
    id: int
    name: str
    state: TaskState
    attempts: int
    max_attempts: int
    created_at: dt.datetime
    run_after: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    worker: str
    result: Any
    last_error: str


class TaskPage(Out):
    items: list[TaskOut]
    next_cursor: str | None


class TaskStartIn(Schema):
    name: str


def task_out(task: Task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        name=task.name,
        state=TaskState(task.state),
        attempts=task.attempts,
        max_attempts=task.max_attempts,
        created_at=task.created_at,
        run_after=task.run_after,
        started_at=task.started_at,
        finished_at=task.finished_at,
        worker=task.worker,
        result=task.result,
        last_error=task.last_error,
    )


@router.get(
    "/tasks", response=responses(TaskPage), summary="Background tasks you asked for (administrators: all)"
)
def task_list(
    request: HttpRequest,
    state: TaskState | None = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> TaskPage:
    tasks = selectors.task_list(user=actor(request), state=state.value if state else "")
    rows, next_cursor = keyset_page(tasks, key="id", cursor=cursor, limit=limit, descending=True)
    return TaskPage(items=[task_out(t) for t in rows], next_cursor=next_cursor)


@router.get("/tasks/{task_id}", response=responses(TaskOut), summary="One background task")
def task_get(request: HttpRequest, task_id: PathId) -> TaskOut:
    return task_out(selectors.task_get_for_user(user=actor(request), task_id=task_id))


@router.post("/tasks/{task_id}/retry", response=responses(TaskOut), summary="Queue a failed task again")
def task_retry(request: HttpRequest, task_id: PathId) -> TaskOut:
    user = actor(request)
    task = selectors.task_get_for_user(user=user, task_id=task_id)
    return task_out(services.task_retry(actor=user, task=task))


@router.post("/tasks", response=responses(TaskOut, 201), summary="Start a task by hand (administrators)")
def task_start(request: HttpRequest, payload: TaskStartIn) -> Any:
    task = services.task_start(actor=actor(request), name=payload.name)
    return status(201, task_out(task))
