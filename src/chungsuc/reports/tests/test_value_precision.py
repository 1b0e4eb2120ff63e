"""Issue 10: the official evaluation sheet writes a value with the precision its indicator states."""

from chungsuc.reports.documents import _value_text


def _item(value, decimals=None, value_type="percentage", unit="%"):
    return {"value": value, "value_type": value_type, "unit": unit, "decimals": decimals}


def test_a_stated_precision_keeps_its_digits():
    assert _value_text(_item(80.0, 1)) == "80,0%"
    assert _value_text(_item(80.0, 2)) == "80,00%"
    assert _value_text(_item(1234.5, 1, "number", "triệu đồng")) == "1.234,5 triệu đồng"


def test_without_one_trailing_zeros_are_dropped():
    assert _value_text(_item(80.0)) == "80%"
    assert _value_text(_item(79.5)) == "79,5%"
