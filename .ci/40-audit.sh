# Dependency audit (issue 14): fail on an installed package with a known
# vulnerability that a released version fixes; warn (don't fail) when PyPI's
# advisory service can't be reached. Audits the project's .venv as installed.
.venv/bin/pip install -q "pip-audit>=2.7"
.venv/bin/python scripts/dependency-audit
