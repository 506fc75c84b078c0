"""A site moving from Olark keeps its olark(...) code (../shared/OLARK-API.md): both embed
forms' queues, configure before and after load, extend, events, and malformed calls."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_widget_support import WIDGET, Agent, Site, agent, messages, open_widget, server, site

__all__ = ["agent", "server", "site"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget")]

# Olark's 2016+ embed (its stub, without fetching Olark's own loader), then typical site code.
NEW_EMBED = """
<script>
window.__log = [];
;(function(o){var k;var y=o.olark=function(){k.s.push(arguments);k.t.push(+new Date)};
y.extend=function(i,j){y("extend",i,j)};y.identify=function(i){y("identify",k.i=i)};
y.configure=function(i,j){y("configure",i,j);k.c[i]=j};k=y._={s:[],t:[+new Date],c:{},l:"x"};})(window);
olark.identify('1234-567-89-0123');
olark.configure('locale.welcome_title', 'Talk to Acme');
olark.configure('system.hb_position', 'left');
olark('api.visitor.updateEmailAddress', {emailAddress: 'lin@example.com'});
olark('api.visitor.updateFullName', {fullName: 'Lin Olark'});
olark('api.visitor.updateCustomFields', {plan: 'gold'});
olark('api.visitor.updateCustomFields', {seats: 5});
olark('api.box.onExpand', function () { __log.push('expand'); });
olark('api.box.onShrink', function () { __log.push('shrink'); });
olark('api.chat.onBeginConversation', function () { __log.push('begin'); });
olark('api.chat.onMessageToOperator', function (e) { __log.push('toOperator ' + e.message.body); });
olark('api.chat.onMessageToVisitor', function (e) {
  __log.push('toVisitor ' + e.message.body + ' / ' + e.message.nickname);
});
olark('api.chat.onCommandFromOperator', function (e) { __log.push('command ' + e.command.name); });
olark.configure('Your Name', 'x');
olark('api.visitor.updateFullName', {user_id: 1});
olark('api.visitor.updateCustomFields', function () {});
olark('api.nope.call');
</script>
"""

# The 2011-2016 embed: methods go through olark("call", name, arguments).
OLD_EMBED = """
<script>
window.__log = [];
window.olark||(function(c){var f=window,z=c.name,a;f[z]=function(){(a.s=a.s||[]).push(arguments)};a=f[z]._={};
var q=c.methods.length;while(q--){(function(n){f[z][n]=function(){f[z]("call",n,arguments)}})(c.methods[q])}
a.l=c.loader;f[z]("load",+new Date);})({loader:"static.olark.com/jsclient/loader0.js",name:"olark",
  methods:["configure","extend","declare","identify"]});
olark.identify('1234-567-89-0123');
olark.configure('locale.welcome_title', 'Old embed title');
olark('api.box.expand');
olark.extend(function (api) { __log.push('extend ' + typeof api.box.expand + ' ' + typeof api.visitor.getDetails); });
olark.extend('SomePlugin');
</script>
"""


def test_olark_new_embed_queue_configure_events_and_calls(browser: Browser, site: Site, agent: Agent) -> None:
    context = browser.new_context()
    page = context.new_page()
    warnings: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site.page("/olark", head=NEW_EMBED))
    launcher = page.locator(f"{WIDGET} .fd-launcher")
    page.evaluate("olark('api.box.expand')")
    panel = page.locator(f"{WIDGET} .fd-panel")
    expect(panel).to_be_visible()
    expect(page.locator(f"{WIDGET} .fd-title")).to_have_text("Talk to Acme")
    box = panel.bounding_box()
    assert box is not None and box["x"] < 100  # hb_position: left

    # Late subscribers still hear the current state.
    page.evaluate("olark('api.chat.onReady', () => __log.push('ready'))")
    page.evaluate("olark('api.chat.onOperatorsAvailable', () => __log.push('available'))")
    page.evaluate("olark('api.chat.onOperatorsAway', () => __log.push('away'))")
    page.wait_for_function("__log.includes('ready') && __log.includes('available')")
    details = page.evaluate("new Promise(r => olark('api.visitor.getDetails', r))")
    assert details["emailAddress"] == "lin@example.com"
    assert details["fullName"] == "Lin Olark"
    assert details["customFields"] == {"plan": "gold", "seats": 5}
    assert details["currentPage"]["url"].endswith("/olark")
    assert details["isConversing"] is False
    for key in (
        "phoneNumber",
        "city",
        "region",
        "country",
        "operatingSystem",
        "browser",
        "pageCountForThisVisit",
        "secondsSpentForThisVisit",
    ):
        assert key in details

    page.get_by_label("Type your message").fill("Hello from an Olark site")
    page.keyboard.press("Enter")
    message = agent.message_from_visitor("Hello from an Olark site")
    conversation = message["conversation_id"]
    page.evaluate("""() => {
        olark('api.chat.sendNotificationToOperator', {body: 'Cart: 3 items'});
        olark('api.chat.sendMessageToVisitor', {body: 'Welcome from the site'});
        olark('api.chat.sendNotificationToVisitor', {body: 'A local notice'});
        olark('api.chat.updateVisitorNickname', {snippet: 'Lin (gold)'});
        olark('api.chat.updateVisitorStatus', {snippet: ['Cart: 3', 'Plan: gold']});
        olark('api.chat.setOperatorGroup', {group: 'sales'});
        olark('api.visitor.updatePhoneNumber', {phoneNumber: '+44 20 7946 0000'});
    }""")
    note = agent.wait(lambda f: f.get("event") == "message.created" and f["data"]["message"]["body"] == "Cart: 3 items")
    assert note["data"]["message"]["private"] is True
    expect(messages(page, "Welcome from the site")).to_have_attribute("data-author-type", "bot")
    expect(messages(page, "Cart: 3 items")).to_have_count(0)
    expect(page.locator(f"{WIDGET} .fd-local-note")).to_have_text("A local notice")
    agent.say(conversation, "!pricing")
    expect(messages(page, "!pricing")).to_have_count(1)

    contact_id = agent.http.get(f"/api/v1/conversations/{conversation}").json()["contact"]["id"]
    # The identify calls are sent in the background; wait (bounded) for the last one.
    deadline = time.monotonic() + 10
    while (contact := agent.http.get(f"/api/v1/contacts/{contact_id}").json())["phone"] is None:
        assert time.monotonic() < deadline, "the phone number never reached the contact"
        time.sleep(0.1)
    assert contact["email"] == "lin@example.com"
    assert contact["phone"] == "+44 20 7946 0000"
    assert contact["custom_attributes"]["operator_group"] == "sales"
    assert contact["custom_attributes"]["plan"] == "gold"

    # configure after load applies at once; extend gets plain methods; wrappers work.
    page.evaluate("olark.configure('system.hb_primary_color', '#7c2d12')")
    expect(page.locator(f"{WIDGET} .fd-header")).to_have_css("background-color", "rgb(124, 45, 18)")
    page.evaluate("olark.extend(function (api) { api.box.shrink(); })")
    expect(panel).to_be_hidden()
    page.evaluate(
        "const o = window.olark; window.olark = function () { return o.apply(this, arguments); }; olark('api.box.hide')"
    )
    expect(launcher).to_be_hidden()
    page.evaluate("olark('api.box.show')")
    expect(launcher).to_be_visible()

    log = page.evaluate("__log")
    for entry in (
        "expand",
        "shrink",
        "begin",
        "ready",
        "available",
        "toOperator Hello from an Olark site",
        "command pricing",
        "toVisitor Welcome from the site / ",
    ):
        assert any(e.startswith(entry) for e in log), (entry, log)
    assert "away" not in log
    for call in (
        'olark.configure("Your Name")',
        'olark("api.visitor.updateFullName")',
        'olark("api.visitor.updateCustomFields")',
        'olark("api.nope.call")',
    ):
        assert any(call in w for w in warnings), (call, warnings)
    assert errors == []
    context.close()


def test_olark_old_embed_form_is_replayed(browser: Browser, site: Site, agent: Agent) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site.page("/olark-old", head=OLD_EMBED))
    expect(page.locator(f"{WIDGET} .fd-panel")).to_be_visible()
    expect(page.locator(f"{WIDGET} .fd-title")).to_have_text("Old embed title")
    page.wait_for_function("__log.length > 0")
    assert page.evaluate("__log") == ["extend function function"]
    open_widget(page)
    assert errors == []
    context.close()
