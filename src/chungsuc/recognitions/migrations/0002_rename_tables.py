"""The moved models get their own tables (recognitions_*), and their content types (with the admin
permissions that hang on them) follow them from `assessments` to `recognitions`."""

from django.db import migrations

MOVED = [
    "conditioncheck",
    "consultation",
    "consultationcomment",
    "decision",
    "recognitioncondition",
    "recognitionrecord",
]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label="recognitions", model=model).exists():
            continue
        ContentType.objects.filter(app_label="assessments", model=model).update(app_label="recognitions")


def back_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label="assessments", model=model).exists():
            continue
        ContentType.objects.filter(app_label="recognitions", model=model).update(app_label="assessments")


class Migration(migrations.Migration):

    dependencies = [
        ('recognitions', '0001_move_to_recognitions'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='conditioncheck',
            table=None,
        ),
        migrations.AlterModelTable(
            name='consultation',
            table=None,
        ),
        migrations.AlterModelTable(
            name='consultationcomment',
            table=None,
        ),
        migrations.AlterModelTable(
            name='decision',
            table=None,
        ),
        migrations.AlterModelTable(
            name='recognitioncondition',
            table=None,
        ),
        migrations.AlterModelTable(
            name='recognitionrecord',
            table=None,
        ),
        migrations.RunPython(move_content_types, back_content_types),
    ]
