"""Answers go only to Slack's hosts (or SLACK_API_URL's), whatever response_url a request carries (L3)."""

from __future__ import annotations

import logging

import pytest

from adapters.slack.app import response_url_problem

from .standin import command_body


@pytest.mark.parametrize("url", ["https://hooks.slack.com/commands/T0/1/abc",
                                 "https://hooks.slack-gov.com/commands/T0/1/abc"])
def test_slacks_response_urls_are_accepted(url):
    assert response_url_problem(url) is None


@pytest.mark.parametrize("url", ["https://evil.example/collect", "http://hooks.slack.com/commands/T0/1/abc",
                                 "https://hooks.slack.com.evil.example/x", "https://127.0.0.1/respond",
                                 "https://slack.com@evil.example/x", "file:///etc/passwd", ""])
def test_other_response_urls_are_refused(url):
    assert response_url_problem(url) is not None


def test_the_configured_api_host_is_accepted():
    assert response_url_problem("http://127.0.0.1:9999/respond/k", api_host="127.0.0.1") is None
    assert response_url_problem("http://localhost:9999/respond/k", api_host="127.0.0.1") is not None


async def test_an_answer_is_not_posted_to_another_host(http_slack, caplog):
    caplog.set_level(logging.WARNING)
    url, key = http_slack.standin.response_url()
    elsewhere = url.replace("127.0.0.1", "localhost")  # the same server under another name: not SLACK_API_URL's
    status, _ = await http_slack.post(command_body("/summary", "", elsewhere))
    assert status == 200
    good_url, good_key = http_slack.standin.response_url()
    await http_slack.post(command_body("/summary", "", good_url))
    await http_slack.standin.answer(good_key)  # answered after the first one had its chance
    assert http_slack.standin.posts(key) == []
    assert "answer not posted: the request's response_url is not https" in caplog.text
