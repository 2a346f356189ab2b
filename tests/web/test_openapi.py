"""The OpenAPI document states the errors each operation gives (schemathesis holds it to them)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from portintel.web.api.responses import EVERY_OPERATION, EVERY_WRITE
from portintel.web.text_inputs import NO_NUL

DOCUMENTED = {
    ("get", "/api/v1/reports/{report_id}"): {403, 404},
    ("post", "/api/v1/reports/{report_id}/evaluate"): {404, 409},
    ("post", "/api/v1/users"): {409},
    ("get", "/api/v1/audit"): {403},
    ("post", "/api/v1/tokens/{token_id}/revoke"): {404},
}


def test_every_operation_documents_its_error_statuses(app: FastAPI) -> None:
    document = app.openapi()
    operations = [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 27
    for method, path, operation in operations:
        statuses = {int(status) for status in operation["responses"] if status != "default"}
        assert set(EVERY_OPERATION) <= statuses, (method, path)
        if method == "post":
            assert set(EVERY_WRITE) <= statuses, (method, path)
        if "{" in path:
            assert 404 in statuses, (method, path)
        assert DOCUMENTED.get((method, path), set()) <= statuses, (method, path)
        for status in statuses - {200, 201, 204}:
            body = operation["responses"][str(status)]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)


def test_request_strings_are_documented_without_nul(app: FastAPI) -> None:
    document = app.openapi()
    search = document["paths"]["/api/v1/search/entities"]["get"]["parameters"]
    report_id = document["paths"]["/api/v1/reports/{report_id}"]["get"]["parameters"][0]
    assert report_id["schema"]["pattern"] == NO_NUL
    assert {p["name"]: p["schema"].get("pattern") for p in search}["q"] is not None
    place = document["components"]["schemas"]["ReportIn"]["properties"]["place"]
    assert {"type": "string", "maxLength": 300, "pattern": NO_NUL} in place["anyOf"]
    error_field = document["components"]["schemas"]["ErrorDetail"]["properties"]["field"]
    assert all("pattern" not in branch for branch in error_field["anyOf"])  # a response


def test_a_wrong_method_names_every_method_of_the_path(client: TestClient) -> None:
    response = client.request("OPTIONS", "/api/v1/reports")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
