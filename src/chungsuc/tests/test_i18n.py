"""The interface's languages across apps: state names are data of the assessments app, shown
through accounts' pages."""


def test_workflow_state_names_are_translated_in_english(client, demo):
    """State and transition names are data, marked for translation where they are defined."""
    from chungsuc.assessments import demo as assessments_demo

    assessments_demo.load()
    client.login(username="demo.vinhchanh", password=demo.DEMO_PASSWORD)
    client.cookies["django_language"] = "en"
    page = client.get("/assessments/").content.decode()
    assert "Self-assessment in progress" in page
    client.cookies["django_language"] = "vi"
    assert "Đang tự đánh giá" in client.get("/assessments/").content.decode()
