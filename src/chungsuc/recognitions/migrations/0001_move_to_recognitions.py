import chungsuc.recognitions.models
import django.db.models.deletion
from django.conf import settings
# The models moved from `assessments` (issue 8 §2): state only, on the existing `assessments_*` tables
# (a fresh database created them in assessments 0001); 0002 renames the tables.
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessments', '0004_move_to_recognitions'),
        ('geo', '0002_unit_key_event_units'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Consultation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('opens_on', models.DateField(verbose_name='ngày bắt đầu')),
                    ('closes_on', models.DateField(verbose_name='ngày kết thúc')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='đã đóng lúc')),
                    ('summary', models.TextField(blank=True, verbose_name='nội dung công khai')),
                    ('assessment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='consultation', to='assessments.assessment')),
                    ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'lấy ý kiến nhân dân',
                    'verbose_name_plural': 'lấy ý kiến nhân dân',
                    'db_table': 'assessments_consultation',
                },
            ),
            migrations.CreateModel(
                name='ConsultationComment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(blank=True, max_length=120, verbose_name='họ tên')),
                    ('hamlet', models.CharField(blank=True, max_length=120, verbose_name='ấp')),
                    ('satisfied', models.BooleanField(null=True, verbose_name='hài lòng')),
                    ('text', models.TextField(blank=True, verbose_name='ý kiến')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('consultation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='recognitions.consultation')),
                ],
                options={
                    'verbose_name': 'ý kiến người dân',
                    'verbose_name_plural': 'ý kiến người dân',
                    'db_table': 'assessments_consultationcomment',
                    'ordering': ['created_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Decision',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('recognition', 'Công nhận'), ('refusal', 'Không công nhận'), ('revocation', 'Thu hồi')], max_length=20, verbose_name='loại')),
                    ('standard', models.CharField(choices=[('ntm', 'Nông thôn mới'), ('advanced', 'Nông thôn mới nâng cao'), ('model', 'Nông thôn mới kiểu mẫu'), ('task_completed', 'Hoàn thành nhiệm vụ xây dựng nông thôn mới')], max_length=20, verbose_name='mức')),
                    ('number', models.CharField(max_length=100, verbose_name='số quyết định')),
                    ('date', models.DateField(verbose_name='ngày ký')),
                    ('signer', models.CharField(max_length=200, verbose_name='người ký')),
                    ('authority', models.CharField(blank=True, max_length=200, verbose_name='cấp quyết định')),
                    ('signed_pdf', models.FileField(blank=True, upload_to=chungsuc.recognitions.models.signed_pdf_path, verbose_name='bản ký (PDF)')),
                    ('reason', models.TextField(blank=True, verbose_name='lý do')),
                    ('recorded_at', models.DateTimeField(auto_now_add=True)),
                    ('assessment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='assessments.assessment')),
                    ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ntm_decisions', to='geo.unit')),
                ],
                options={
                    'verbose_name': 'quyết định',
                    'verbose_name_plural': 'quyết định',
                    'db_table': 'assessments_decision',
                    'ordering': ['-date', '-id'],
                },
            ),
            migrations.CreateModel(
                name='RecognitionCondition',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.SlugField(max_length=60, verbose_name='mã')),
                    ('framework_code', models.CharField(blank=True, max_length=60, verbose_name='bộ tiêu chí')),
                    ('levels', models.CharField(blank=True, help_text='Các cấp áp dụng, cách nhau bởi dấu phẩy (commune, district, province); để trống = mọi cấp.', max_length=60, verbose_name='áp dụng cho cấp')),
                    ('name', models.CharField(max_length=300, verbose_name='điều kiện')),
                    ('kind', models.CharField(choices=[('satisfaction', 'Tỷ lệ hài lòng của người dân'), ('attestation', 'Xác nhận của cơ quan có thẩm quyền'), ('criteria', 'Đạt đầy đủ các tiêu chí')], max_length=20, verbose_name='loại')),
                    ('threshold', models.FloatField(blank=True, null=True, verbose_name='ngưỡng')),
                    ('source', models.TextField(blank=True, verbose_name='nguồn')),
                    ('verified', models.BooleanField(default=False, verbose_name='đã kiểm chứng')),
                    ('order', models.PositiveSmallIntegerField(default=0)),
                ],
                options={
                    'verbose_name': 'điều kiện công nhận',
                    'verbose_name_plural': 'điều kiện công nhận',
                    'db_table': 'assessments_recognitioncondition',
                    'ordering': ['order', 'id'],
                    'constraints': [models.UniqueConstraint(fields=('code', 'framework_code'), name='assessments_condition_unique')],
                },
            ),
            migrations.CreateModel(
                name='ConditionCheck',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('met', models.BooleanField(verbose_name='đạt')),
                    ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                    ('checked_at', models.DateTimeField(auto_now=True)),
                    ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='condition_checks', to='assessments.assessment')),
                    ('checked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('condition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='checks', to='recognitions.recognitioncondition')),
                ],
                options={
                    'db_table': 'assessments_conditioncheck',
                    'constraints': [models.UniqueConstraint(fields=('assessment', 'condition'), name='assessments_check_unique')],
                },
            ),
            migrations.CreateModel(
                name='RecognitionRecord',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('standard', models.CharField(choices=[('ntm', 'Nông thôn mới'), ('advanced', 'Nông thôn mới nâng cao'), ('model', 'Nông thôn mới kiểu mẫu'), ('task_completed', 'Hoàn thành nhiệm vụ xây dựng nông thôn mới')], max_length=20, verbose_name='mức đạt chuẩn')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='năm công nhận')),
                    ('since', models.DateField(verbose_name='từ ngày')),
                    ('since_precision', models.CharField(choices=[('day', 'ngày'), ('year', 'năm')], default='day', max_length=10, verbose_name='độ chính xác của ngày')),
                    ('until', models.DateField(blank=True, null=True, verbose_name='đến ngày')),
                    ('decision_text', models.CharField(blank=True, max_length=300, verbose_name='quyết định')),
                    ('fact', models.TextField(blank=True, verbose_name='nội dung theo nguồn')),
                    ('source', models.TextField(blank=True, verbose_name='nguồn')),
                    ('verified', models.BooleanField(default=True, verbose_name='đã kiểm chứng')),
                    ('uncertainty', models.TextField(blank=True, verbose_name='điểm chưa chắc chắn')),
                    ('origin', models.CharField(choices=[('builtin', 'Dữ liệu có nguồn (nạp sẵn)'), ('import', 'Nhập từ tệp'), ('decision', 'Quyết định ghi nhận trên hệ thống')], default='decision', max_length=10)),
                    ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='records', to='recognitions.decision')),
                    ('revocation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='revoked_records', to='recognitions.decision')),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recognitions', to='geo.unit')),
                ],
                options={
                    'verbose_name': 'đơn vị được công nhận',
                    'verbose_name_plural': 'sổ công nhận',
                    'db_table': 'assessments_recognitionrecord',
                    'ordering': ['unit__code', 'since', 'id'],
                    'constraints': [models.UniqueConstraint(fields=('unit', 'standard', 'year'), name='assessments_record_unique')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
