# Headless Chromium opens the HTML report in tests/records/test_report_html.py
# and screenshots it, to check the charts show.
need_pkg chromium chromium
