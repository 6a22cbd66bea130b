"""Cascade cycles and multiple cascade paths (psl-core ``relations::cycles`` and
``relations::multiple_cascading_paths``): SQL Server, and any connector under
``relationMode = "prisma"`` for cycles."""

from __future__ import annotations

from dataclasses import dataclass

from schemashift.psl.validator.checks.referential_actions import (
    connector,
    on_delete,
    on_update,
    relation_mode,
    triggers_modification,
)
from schemashift.psl.validator.context import Context, RelationFieldInfo, RelationInfo

_READ_MORE = " Read more at https://pris.ly/d/cyclic-referential-actions"


@dataclass(frozen=True, slots=True)
class CompleteRelation:
    """A 1:1 or 1:n relation with both fields present; ``forward`` holds the foreign key."""

    forward: RelationFieldInfo
    back: RelationFieldInfo

    @property
    def referencing_model(self) -> str:
        return self.forward.model

    @property
    def referenced_model(self) -> str:
        return self.back.model

    @property
    def key(self) -> tuple[str, str]:
        return (self.forward.model, self.forward.field)


def as_complete(ctx: Context, rel: RelationInfo) -> CompleteRelation | None:
    if rel.kind == "many_to_many" or rel.field_a is None or rel.field_b is None:
        return None
    return CompleteRelation(
        ctx.relation_fields[(rel.model_a, rel.field_a)], ctx.relation_fields[(rel.model_b, rel.field_b)]
    )


def complete_relations(ctx: Context) -> dict[str, list[CompleteRelation]]:
    """Complete inline relations by referencing model, each list in Prisma's index order
    (referenced model position in the schema, then relation order)."""
    position = {m.name.name: i for i, m in enumerate(ctx.ast.models())}
    by_model: dict[str, list[tuple[int, int, CompleteRelation]]] = {}
    for idx, rel in enumerate(ctx.relations):
        complete = as_complete(ctx, rel)
        if complete is not None:
            by_model.setdefault(rel.model_a, []).append((position.get(rel.model_b, 0), idx, complete))
    return {m: [c for _, _, c in sorted(items, key=lambda t: t[:2])] for m, items in by_model.items()}


def _triggers(ctx: Context, rel: CompleteRelation) -> bool:
    return triggers_modification(on_update(rel.forward)) or triggers_modification(on_delete(ctx, rel.forward))


def _path_text(path: list[CompleteRelation]) -> str:
    return " → ".join(f"{r.referencing_model}.{r.forward.field}" for r in path)


def _cascade_error(ctx: Context, rel: CompleteRelation, message: str) -> None:
    fwd = rel.forward
    implicit_delete = on_delete(ctx, fwd) if fwd.on_delete is None else None
    if implicit_delete is not None and not triggers_modification(implicit_delete):
        implicit_delete = None
    implicit_update = on_update(fwd) if fwd.on_update is None else None
    if implicit_delete and implicit_update:
        message += f" (Implicit default `onDelete`: `{implicit_delete}`, and `onUpdate`: `{implicit_update}`)"
    elif implicit_delete:
        message += f" (Implicit default `onDelete`: `{implicit_delete}`)"
    elif implicit_update:
        message += f" (Implicit default `onUpdate`: `{implicit_update}`)"
    ctx.error(f"Error validating: {message}{_READ_MORE}", fwd.node.span)


def cycles(ctx: Context, rel: CompleteRelation, graph: dict[str, list[CompleteRelation]]) -> None:
    if not connector(ctx).cycle_detection and (ctx.datasource is None or relation_mode(ctx) == "foreignKeys"):
        return
    visited: set[tuple[str, str]] = set()
    stack: list[tuple[CompleteRelation, list[CompleteRelation]]] = [(rel, [rel])]
    parent = rel.referencing_model
    while stack:
        current, path = stack.pop()
        visited.add(current.key)
        related = current.referenced_model
        if not _triggers(ctx, current):
            continue
        if current.referencing_model == related:
            _cascade_error(
                ctx,
                rel,
                "A self-relation must have `onDelete` and `onUpdate` referential actions set to `NoAction` "
                "in one of the @relation attributes.",
            )
            return
        if related == parent:
            _cascade_error(
                ctx,
                rel,
                "Reference causes a cycle. One of the @relation attributes in this cycle must have "
                "`onDelete` and `onUpdate` referential actions set to `NoAction`. Cycle path: "
                f"{_path_text(path)}.",
            )
            return
        for nxt in graph.get(related, []):
            if nxt.key not in visited:
                stack.append((nxt, [*path, nxt]))


def multiple_cascading_paths(ctx: Context, rel: CompleteRelation, graph: dict[str, list[CompleteRelation]]) -> None:
    if not connector(ctx).cycle_detection or relation_mode(ctx) == "prisma":
        return
    if not _triggers(ctx, rel):
        return
    parent = rel.referencing_model
    paths: list[list[CompleteRelation]] = []
    pending = [(r, [r], set[tuple[str, str]]()) for r in graph.get(parent, []) if _triggers(ctx, r)]
    while pending:
        current, path, on_path = pending.pop()
        on_path.add(current.key)
        related = current.referenced_model
        if current.referencing_model == related or related == parent:
            continue
        forward = [
            (r, [*path, r], set(on_path))
            for r in graph.get(related, [])
            if _triggers(ctx, r) and r.key not in on_path
        ]
        if not forward:
            paths.append([*path, current])
            continue
        pending.extend(forward)

    seen: dict[str, set[str]] = {}
    for path in paths:
        models = seen.setdefault(path[0].forward.field, set())
        models.update(r.referenced_model for r in path)
    reachable: set[str] = set()
    from_parent = seen.pop(rel.forward.field, None)
    if from_parent is not None:
        for other in seen.values():
            reachable |= from_parent & other
    if not reachable:
        return
    names = ", ".join(f"`{m}`" for m in sorted(reachable))
    if len(reachable) == 1:
        head = f"When any of the records in model {names} is updated or deleted"
    else:
        head = f"When any of the records in models {names} are updated or deleted"
    _cascade_error(
        ctx,
        rel,
        f"{head}, the referential actions on the relations cascade to model `{parent}` through multiple "
        "paths. Please break one of these paths by setting the `onUpdate` and `onDelete` to `NoAction`.",
    )
