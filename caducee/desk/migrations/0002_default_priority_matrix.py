"""Seed the ITIL priority matrix (impact × urgency → P1…P5).

Levels go from 1 = critical to 4 = low for both impact and urgency; the
grid is explained in ``caducee.desk.models.priority``. Written out here, not
imported: a migration must keep giving the same rows whatever the code
becomes (a test checks it still equals ``DEFAULT_MATRIX``). Only missing
cells are added, and the reverse removes nothing an administrator changed.
"""

from django.db import migrations

MATRIX = {
    (1, 1): 1, (1, 2): 1, (1, 3): 2, (1, 4): 3,
    (2, 1): 1, (2, 2): 2, (2, 3): 3, (2, 4): 3,
    (3, 1): 2, (3, 2): 3, (3, 3): 3, (3, 4): 4,
    (4, 1): 3, (4, 2): 3, (4, 3): 4, (4, 4): 5,
}  # fmt: skip


def seed(apps, schema_editor):
    Cell = apps.get_model("desk", "PriorityMatrixCell")
    existing = set(Cell.objects.values_list("impact", "urgency"))
    Cell.objects.bulk_create(
        Cell(impact=impact, urgency=urgency, priority=priority)
        for (impact, urgency), priority in sorted(MATRIX.items())
        if (impact, urgency) not in existing
    )


def unseed(apps, schema_editor):
    Cell = apps.get_model("desk", "PriorityMatrixCell")
    for (impact, urgency), priority in MATRIX.items():
        Cell.objects.filter(impact=impact, urgency=urgency, priority=priority).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
