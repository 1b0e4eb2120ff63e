# The recognition models moved to the `recognitions` app (issue 8 §2): only Django's state forgets them
# here; the tables stay and `recognitions` 0001 takes them over (0002 renames them).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_condition_levels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='consultation',
                name='assessment',
            ),
            migrations.RemoveField(
                model_name='consultation',
                name='opened_by',
            ),
            migrations.RemoveField(
                model_name='consultationcomment',
                name='consultation',
            ),
            migrations.RemoveField(
                model_name='decision',
                name='assessment',
            ),
            migrations.RemoveField(
                model_name='decision',
                name='recorded_by',
            ),
            migrations.RemoveField(
                model_name='decision',
                name='unit',
            ),
            migrations.RemoveField(
                model_name='recognitionrecord',
                name='revocation',
            ),
            migrations.RemoveField(
                model_name='recognitionrecord',
                name='decision',
            ),
            migrations.RemoveField(
                model_name='recognitionrecord',
                name='unit',
            ),
            migrations.DeleteModel(
                name='ConditionCheck',
            ),
            migrations.DeleteModel(
                name='RecognitionCondition',
            ),
            migrations.DeleteModel(
                name='Consultation',
            ),
            migrations.DeleteModel(
                name='ConsultationComment',
            ),
            migrations.DeleteModel(
                name='Decision',
            ),
            migrations.DeleteModel(
                name='RecognitionRecord',
            ),
            ],
            database_operations=[],
        ),
    ]
