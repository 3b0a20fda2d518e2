from __future__ import annotations


async def test_smoke(standin, bot):
    iid = await standin.slash("chapter", {"title_or_time": "scaling laws"})
    body = await standin.answered(iid)
    print(body)
    assert "1:02:38" in str(body)
