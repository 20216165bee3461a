"""The shipped n8n workflow (docs/n8n) loses no event and runs none twice.

n8n answers 200 with an empty body when an execution fails before a "Respond
to Webhook" node, and Odoo takes any 2xx as a delivery: so every node that can
fail must send its error to a 5xx answer (Odoo retries), every path must end
in an answer, and a redelivered event (same ``webhook-id``) must be recognised
before the callback to Odoo runs again. Read from the JSON, no n8n needed.
"""

import json
from pathlib import Path

import pytest

WORKFLOW = Path(__file__).resolve().parents[1] / "docs/n8n/psa_webhooks_roundtrip.json"
RESPOND = "n8n-nodes-base.respondToWebhook"
REGULAR_OUTPUTS = {"n8n-nodes-base.if": 2}  # true, false; every other node: one


@pytest.fixture(name="workflow")
def fixture_workflow():
    workflow = json.loads(WORKFLOW.read_text())
    return {
        "nodes": {node["name"]: node for node in workflow["nodes"]},
        "connections": workflow["connections"],
        "raw": workflow,
    }


def outputs(workflow, name):
    """Targets per output index of node ``name``."""
    main = workflow["connections"].get(name, {}).get("main", [])
    return [[link["node"] for link in output] for output in main]


def reachable(workflow, start, without=()):
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen or name in without:
            continue
        seen.add(name)
        todo.extend(t for output in outputs(workflow, name) for t in output)
    return seen


def of_type(workflow, suffix):
    return [n for n, node in workflow["nodes"].items() if node["type"].endswith(suffix)]


def test_connections_reference_existing_nodes(workflow):
    names = set(workflow["nodes"])
    assert len(names) == len(workflow["raw"]["nodes"]), "node names are unique"
    for source, kinds in workflow["connections"].items():
        assert source in names, f"connection from unknown node {source!r}"
        for output in kinds["main"]:
            for link in output:
                assert link["node"] in names, f"{source} -> unknown {link['node']!r}"
                assert link["type"] == "main"


def test_webhook_answers_from_respond_nodes(workflow):
    (webhook,) = of_type(workflow, ".webhook")
    assert workflow["nodes"][webhook]["parameters"]["responseMode"] == "responseNode"
    assert reachable(workflow, webhook) == set(workflow["nodes"]), "no orphan node"


def test_every_node_that_can_fail_answers_5xx(workflow):
    """Every node but the trigger and the answers: an error output (the last
    one) leading to a 5xx answer, and every regular output connected, so no
    execution ends without answering."""
    for name, node in workflow["nodes"].items():
        if node["type"] == RESPOND:
            assert not outputs(workflow, name), f"{name} answers: nothing runs after"
            continue
        if node["type"] == "n8n-nodes-base.webhook":
            continue
        assert node.get("onError") == "continueErrorOutput", f"{name}: no error output"
        regular = REGULAR_OUTPUTS.get(node["type"], 1)
        targets = outputs(workflow, name)
        assert len(targets) == regular + 1, f"{name}: {regular} outputs + error"
        assert all(targets[:regular]), f"{name}: an output leads nowhere"
        (error_target,) = targets[regular]
        answer = workflow["nodes"][error_target]
        assert answer["type"] == RESPOND, f"{name}'s error goes to {error_target}"
        assert answer["parameters"]["options"]["responseCode"] >= 500


def test_success_answers_2xx_only_after_the_callback(workflow):
    """The event is acknowledged once handled, not before: a callback that
    fails still gets its 5xx."""
    (call,) = of_type(workflow, ".httpRequest")
    after_call = reachable(workflow, outputs(workflow, call)[0][0])
    (webhook,) = of_type(workflow, ".webhook")
    answers_2xx = [
        name
        for name in reachable(workflow, webhook, without={call})
        if workflow["nodes"][name]["type"] == RESPOND
        and workflow["nodes"][name]["parameters"]["options"]["responseCode"] < 300
    ]
    accept = [name for name in answers_2xx if name in after_call]
    assert accept, "the callback's success leads to a 2xx answer"
    for name in answers_2xx:
        assert call not in reachable(workflow, name), f"{name} answers before the call"


def test_redelivered_event_does_not_call_odoo_again(workflow):
    """The dedup check, keyed on the webhook-id header, stands on every path to
    the callback; the id is remembered only after the callback succeeded."""
    code = {
        n: workflow["nodes"][n]["parameters"]["jsCode"]
        for n in of_type(workflow, ".code")
    }
    keyed = [n for n, js in code.items() if "headers['webhook-id']" in js]
    checks = [n for n in keyed if "duplicate: Boolean(handled[id])" in code[n]]
    remembers = [n for n in keyed if "handled[id] = now" in code[n]]
    assert len(checks) == 1 and len(remembers) == 1, (checks, remembers)
    (call,) = of_type(workflow, ".httpRequest")
    (webhook,) = of_type(workflow, ".webhook")
    assert call in reachable(workflow, webhook)
    assert call not in reachable(workflow, webhook, without=set(checks)), (
        "a path reaches the callback without the dedup check"
    )
    assert remembers[0] in reachable(workflow, outputs(workflow, call)[0][0])
    assert remembers[0] not in reachable(workflow, outputs(workflow, call)[1][0])
    # the check's "already handled" branch answers 2xx without any callback
    (branch,) = outputs(workflow, checks[0])[0]
    duplicate_answer = outputs(workflow, branch)[0][0]
    answer = workflow["nodes"][duplicate_answer]
    assert answer["type"] == RESPOND
    assert answer["parameters"]["options"]["responseCode"] < 300
