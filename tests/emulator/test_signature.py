"""The client's own signature, proven against WeChat's documented example before
anything else trusts it."""

from conftest import signature


def test_documented_example():
    got = signature("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb",
                    1559129714, "gDyVgzwa0mFz9uUP7M6GQQ==")
    assert got == "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"


def test_order_is_by_value_not_by_name():
    # the same four values in any argument order sign the same, and the key is the
    # session_key string (not its decoded bytes)
    a = signature("wx20afc706a711eefc", "1559129713_672975982", "8AP6DT9ybtniUJfb",
                  1559129714, "gDyVgzwa0mFz9uUP7M6GQQ==")
    b = signature("1559129714", "8AP6DT9ybtniUJfb", "wx20afc706a711eefc",
                  "1559129713_672975982", "gDyVgzwa0mFz9uUP7M6GQQ==")
    assert a == b
    assert signature("a", "b", "c", 1, "gDyVgzwa0mFz9uUP7M6GQQ==") != signature(
        "a", "b", "c", 1, "hDyVgzwa0mFz9uUP7M6GQQ==")
