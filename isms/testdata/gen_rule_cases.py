# Generates the data-driven rule cases under rules/ (run from isms/testdata:
# python3 gen_rule_cases.py). Each case is a JSON merge patch of
# minimal.json and whether the named built-in rule must fire on it at
# 2024-07-01 (see isms/rules_test.go).
import json, copy, os, glob
base = json.load(open('minimal.json'))
def B(k): return copy.deepcopy(base[k])
cases = {}
def case(rule, fires, patch, name=None, asOf=None):
    n = name or (rule + ('.fires' if fires else '.passes'))
    d = {"rule": rule, "fires": fires}
    if asOf: d["asOf"] = asOf
    d["patch"] = patch
    cases[n] = d
def mod(k, i, **kw):
    v = B(k); v[i].update(kw); return v

# rules not firing at base: pass with empty patch
base_firing = {"4.2-party-review","5.3-role-approved","6.3-change-plan","7.2-role-competence",
  "7.3-awareness-completion","7.5-mandatory-item","7.5-document-control","7.5-document-review",
  "8.3-action-overdue","9.2-programme-coverage"}

F = {}  # fires patches for rules not firing at base
F["4.1-internal-issues"] = {"issues": [B("issues")[0]]}
F["4.1-external-issues"] = {"issues": [dict(B("issues")[0], origin="internal", aspect="processes"), B("issues")[1]]}
F["4.1-issue-review"] = ({"issues": mod("issues", 0, lastReviewed="2023-01-01T00:00:00Z")})
F["4.2-party-requirements"] = {"parties": mod("parties", 0, requirements=[])}
F["4.2-requirements-addressed"] = {"parties": mod("parties", 0, requirements=[{"id": "REQ-1", "description": "x"}])}
F["4.3-scope-boundaries"] = {"scope": {"boundaries": [b for b in base["scope"]["boundaries"] if b["kind"] != "physical"]}}
F["4.3-scope-approved"] = {"scope": {"approval": {"by": "P-2", "on": "2024-01-15T00:00:00Z"}}}
F["5.1-leadership-evidence"] = {"leadership": mod("leadership", 0, date="2023-01-01T00:00:00Z")}
o = B("objectives"); o[0].pop("policy"); F["5.2-policy-missing"] = {"policy": None, "objectives": o}
F["5.2-policy-approved"] = {"policy": {"approval": None}}
F["5.2-policy-commitments"] = {"policy": {"commitments": ["satisfy-requirements"]}}
F["5.2-policy-objectives"] = {"policy": {"objectives": None}}
F["5.2-policy-communicated"] = {"policy": {"communicatedTo": None}}
F["5.2-policy-review"] = {"policy": {"lastReviewed": "2023-01-15T00:00:00Z", "effective": "2023-01-15T00:00:00Z"}}
F["5.3-responsibility-unheld"] = {"roles": mod("roles", 0, responsibilities=["coordinate-isms"])}
F["6.1.1-isms-risk-actions"] = {"ismsRisks": mod("ismsRisks", 0, actions=[], effectiveness={})}
F["6.1.1-isms-risk-effectiveness"] = {"ismsRisks": mod("ismsRisks", 0, effectiveness={})}
F["6.1.2-criteria-approved"] = {"criteria": {"approval": None}}
r = B("register"); r["risks"][0]["owner"] = ""; F["6.1.2-risk-owner"] = {"register": r}
r = B("register"); del r["risks"][0]["inherent"]; r["risks"][0].pop("residual", None); F["6.1.2-risk-analysed"] = {"register": r}
r = B("register"); r["risks"][0].pop("treatment"); r["risks"][0].pop("residual", None); r["risks"][0]["decision"] = {}
F["6.1.3-unacceptable-untreated"] = {"register": r, "treatmentResults": [dict(B("treatmentResults")[0], actions=[])], "soa": {"entries": [e for e in base["soa"]["entries"] if e["decision"] != "included"]}}
r = B("register"); r["risks"][0]["residual"] = copy.deepcopy(r["risks"][0]["inherent"]); r["risks"][0]["decision"].pop("concession", None)
F["6.1.3-residual-concession"] = {"register": r}
r = B("register"); r["risks"][0]["decision"].pop("planApproved", None); F["6.1.3-plan-approved"] = {"register": r}
r = B("register"); r["risks"][0]["treatment"]["actions"][0].pop("owner"); F["6.1.3-action-incomplete"] = {"register": r}
F["6.2-objectives-missing"] = {"objectives": None, "policy": {"objectives": None, "objectiveFramework": "set yearly"},
    "measures": [dict(base["measures"][0], objectives=[])]}
F["6.2-objective-measurable"] = {"objectives": [dict(B("objectives")[0], measure={"target": "0"})],
    "measures": [dict(base["measures"][0], objectives=[])]}
o = B("objectives"); o[0]["plan"].pop("resources"); F["6.2-objective-plan"] = {"objectives": o}
F["7.1-resources"] = {"resources": None}
F["7.2-holder-evidence"] = {"roles": [dict(B("roles")[0], competence={"required": ["x"]}), B("roles")[1]]}
F["7.4-communication-plan"] = {"communication": {"items": None}}
F["8.1-supplier-security"] = {"suppliers": [dict(B("suppliers")[0], agreement={"reference": "K-2023-7", "coversSecurity": False})]}
F["8.1-supplier-review"] = {"suppliers": mod("suppliers", 0, lastReviewed="2023-01-01T00:00:00Z")}
F["8.1-change-plan"] = {"operationalChanges": B("operationalChanges") + [{"id": "CH-3", "kind": "planned", "description": "New data centre", "status": "planned"}]}
F["8.1-unintended-change"] = {"operationalChanges": [{k: v for k, v in B("operationalChanges")[0].items() if k != "mitigation"}]}
F["8.2-broad-assessment"] = {"assessments": mod("assessments", 0, coverage="partial")}
F["9.1-effectiveness-measure"] = {"measures": mod("measures", 0, evaluates="performance")}
a = B("audits"); a[0]["auditors"][0]["ownAreas"] = ["PR-1"]; F["9.2-auditor-independence"] = {"audits": a}
a = B("audits"); a[0]["report"]["sentTo"] = ["P-2"]; F["9.2-report-top-management"] = {"audits": a}
F["9.3-review-held"] = {"managementReviews": mod("managementReviews", 0, date="2023-05-15T00:00:00Z")}
F["9.3-review-inputs"] = {"managementReviews": mod("managementReviews", 0, inputs=["previous-actions"])}
F["9.3-review-top-management"] = {"managementReviews": mod("managementReviews", 0, attendees=["P-2"])}
F["10.1-improvement-evaluated"] = {"improvements": [{"id": "IMP-2", "description": "Password manager", "raised": "2024-05-01T00:00:00Z"}] + B("improvements")}
F["10.2-nc-correction"] = {"nonconformities": mod("nonconformities", 0, correction={})}
F["10.2-nc-cause"] = {"nonconformities": mod("nonconformities", 0, cause={})}
n = B("nonconformities"); n[0]["actions"][0].pop("due"); F["10.2-nc-action"] = {"nonconformities": n}
F["10.2-nc-effectiveness"] = {"nonconformities": mod("nonconformities", 0, review={})}
n = B("nonconformities"); n2 = copy.deepcopy(n[0]); n2.update(id="NC-2", similar=["NC-1"]); n2.pop("audit"); n2.pop("finding"); n2["source"]="self-identified"
for a in n2["actions"]: a["id"] = "A-31"
F["10.2-nc-recurring"] = {"nonconformities": n + [n2]}
sc = B("scope"); [u.pop("reason", None) for u in sc["units"]]; F["4.3-exclusion-reason"] = {"scope": {"units": sc["units"]}}
F["6.1.1-isms-action-overdue"] = {"ismsRisks": mod("ismsRisks", 0, actions=[{"id": "A-10", "description": "x", "owner": "P-2", "due": "2024-06-01T00:00:00Z", "status": "planned"}])}
F["9.1-measure-results"] = {"measures": mod("measures", 0, results=[])}
n = B("nonconformities"); n[0]["actions"][0].update(status="in-progress", due="2024-06-01T00:00:00Z"); n[0]["actions"][0].pop("completed", None); n[0].pop("closed", None)
F["10.2-nc-action-overdue"] = {"nonconformities": n}
F["6.1.2-criteria-missing"] = {"criteria": None, "assessments": [dict(B("assessments")[0], criteria="")]}
F["4.4-processes"] = {"processes": None, "auditProgramme": {"processes": None},
    "audits": [dict(B("audits")[0], scope=dict(base["audits"][0]["scope"], processes=[]), auditors=[dict(base["audits"][0]["auditors"][0], areas=[])])],
    "measures": [dict(base["measures"][0], processes=[])]}
for rule, p in F.items():
    case(rule, True, p); case(rule, False, {})

# rules firing at base: fires with empty patch, passes with a fix
P = {}
P["4.2-party-review"] = {"parties": mod("parties", 1, lastReviewed="2024-03-01T00:00:00Z")}
P["5.3-role-approved"] = {"roles": mod("roles", 1, approval={"by": "P-1", "on": "2024-01-15T00:00:00Z"})}
P["6.3-change-plan"] = {"ismsChanges": mod("ismsChanges", 0, plan="Extend the scope document")}
P["7.2-role-competence"] = {"roles": mod("roles", 1, competence={"required": ["Auditor training"]})}
P["7.3-awareness-completion"] = {"awareness": {"completed": "39"}}
docs = B("documents"); docs.append({"id": "D-ALL", "type": "record", "title": "All records", "version": "1", "owner": "P-2",
  "approval": {"by": "P-1", "on": "2024-01-15T00:00:00Z"}, "classification": "internal", "origin": "internal",
  "covers": ["risk-assessment-process", "risk-treatment-process", "soa", "competence-evidence", "operational-planning",
  "risk-assessment-results", "risk-treatment-results", "monitoring-results", "audit-programme", "audit-results",
  "management-review-results", "nonconformities"]})
P["7.5-mandatory-item"] = {"documents": docs}
docs = B("documents")
for d in docs:
    d.update(version="1", classification="internal", approval={"by": "P-1", "on": "2024-01-15T00:00:00Z"}, owner=d.get("owner") or "P-2")
P["7.5-document-control"] = {"documents": docs}
docs = B("documents")
for d in docs:
    if d.get("origin") != "external":
        d.update(lastReviewed="2024-03-01T00:00:00Z")
P["7.5-document-review"] = {"documents": docs}
r = B("register"); r["risks"][0]["treatment"]["actions"][0]["due"] = "2024-12-31T00:00:00Z"
P["8.3-action-overdue"] = {"register": r}
a = B("audits"); a[0]["scope"]["processes"] = ["PR-1", "PR-2"]; a[0]["scope"]["controls"] = ["8.8", "8.9", "C-MDM"]
P["9.2-programme-coverage"] = {"audits": a}
for rule, p in P.items():
    case(rule, True, {}); case(rule, False, p)
# rules added for issue 9: explicit (fires, passes) patches; the passes
# patch is often the edge the rule must not fire on.
X = {}
nop = json.loads(json.dumps(base).replace('"IP-1"', '"R-ISM"').replace('"IP-2"', '"R-ISM"'))
nop["parties"] = None; nop["scope"]["interfaces"] = [i for i in nop["scope"].get("interfaces", []) if "party" not in i]
nop["ismsRisks"] = [dict(r, parties=[]) for r in nop["ismsRisks"]]; nop["suppliers"] = [dict(x, party="") for x in nop["suppliers"]]
X["4.2-parties-missing"] = (nop, {})
X["4.3-scope-missing"] = ({"scope": {"statement": None, "boundaries": None, "units": None, "interfaces": None, "outsourced": None},
    "audits": [dict(B("audits")[0], scope=dict(base["audits"][0]["scope"], units=[]))]}, {})
X["5.2-policy-approver"] = ({"policy": {"approval": {"by": "P-2", "on": "2024-01-15T00:00:00Z"}}}, {})
X["5.3-guidance-responsibility-unheld"] = ({"roles": mod("roles", 0, responsibilities=["coordinate-isms", "report-performance"])}, {})
X["5.3-role-approver"] = ({"roles": mod("roles", 0, approval={"by": "P-2", "on": "2024-01-15T00:00:00Z"})}, {})
X["6.1.1-isms-risks-missing"] = ({"ismsRisks": None}, {})
X["6.1.2-register-empty"] = ({"register": {"risks": None}, "assessments": [dict(B("assessments")[0], risks=[])], "objectives": [dict(B("objectives")[0], risks=[])],
    "treatmentResults": None, "soa": {"entries": [dict(e, justification={k: v for k, v in e.get("justification", {}).items() if k not in ("risks", "actions")}) for e in base["soa"]["entries"]]}}, {})
r = B("register"); r["risks"][0]["decision"].pop("residualAccepted")
X["6.1.3-residual-accepted"] = ({"register": r}, {})
r = B("register"); r["risks"][0]["decision"]["residualAccepted"] = {"by": "P-1", "on": "2024-02-20T00:00:00Z"}
r2 = B("register"); r2["risks"][0]["owner"] = "R-ISM"
X["6.1.3-residual-acceptor"] = ({"register": r}, {"register": r2})  # P-2 holds owner role R-ISM
m = B("measures"); m[0]["results"] = [dict(m[0]["results"][0], value="0.90")]
X["6.2-objective-target"] = ({"measures": m}, {})
m = B("measures"); m[0]["results"] = [dict(m[0]["results"][0], value="0.90")]
X["6.2-objective-overdue"] = ({"measures": m, "objectives": [dict(B("objectives")[0], plan=dict(base["objectives"][0]["plan"], due="2024-06-01T00:00:00Z"))]},
    {"objectives": [dict(B("objectives")[0], plan=dict(base["objectives"][0]["plan"], due="2024-06-01T00:00:00Z"))]})
X["7.4-communication-item"] = ({"communication": {"items": [{k: v for k, v in B("communication")["items"][0].items() if k != "channel"}]}}, {})
X["8.1-process-criteria"] = ({"processes": [{k: v for k, v in B("processes")[0].items() if k != "criteria"}, B("processes")[1]]}, {})
X["8.1-outsourced-supplier"] = ({"processes": [B("processes")[0], {k: v for k, v in B("processes")[1].items() if k != "supplier"}]}, {})
r = B("register"); del r["risks"][0]["inherent"]; r["risks"][0].pop("residual", None)
X["8.2-none-assessed"] = ({"register": r}, {})
ch = {"id": "CH-9", "kind": "planned", "description": "Move to a new cloud region", "plan": "Migration runbook", "responsible": "P-2",
      "deadline": "2024-05-01T00:00:00Z", "status": "done", "completed": "2024-04-20T00:00:00Z", "significant": True}
X["8.2-change-assessment"] = ({"operationalChanges": B("operationalChanges") + [ch]},
    {"operationalChanges": B("operationalChanges") + [ch], "assessments": B("assessments") + [{"id": "RA-CH9", "date": "2024-05-10T00:00:00Z", "kind": "triggered", "trigger": "CH-9", "coverage": "partial", "risks": ["R-1"], "assessors": ["P-2"], "criteria": "RC-1@1"}]})
X["9.1-measure-plan"] = ({"measures": [{k: v for k, v in B("measures")[0].items() if k != "method"}]}, {})
m = B("measures"); m[0]["results"].append({"date": "2024-05-20T00:00:00Z", "value": "0.97"})
m2 = B("measures"); m2[0]["results"].append({"date": "2024-06-20T00:00:00Z", "value": "0.97"})
X["9.1-result-unevaluated"] = ({"measures": m}, {"measures": m2})  # m2: still within one interval
X["9.1-measure-stale"] = ({"measures": mod("measures", 0, every="P7D")}, {})
X["9.2-audit-held"] = ({"audits": [dict(B("audits")[0], date="2024-09-01T00:00:00Z")]}, {})  # fires: only a planned audit
a = B("audits"); a[0]["auditors"][0]["ownAreas"] = ["U-SHOP"]  # owns a unit outside the areas they audited
X["9.2-auditor-independence"] = (None, {"audits": a})
a = B("audits"); a[0]["report"]["sentTo"] = []; a[0]["date"] = "2024-09-01T00:00:00Z"
a2 = B("audits")[0]; a2 = dict(a2, id="AU-0", date="2023-09-01T00:00:00Z", findings=[])
X["9.2-report-top-management"] = (None, {"audits": [a2] + a})  # the planned audit has no report yet
X["9.3-review-outputs"] = ({"managementReviews": mod("managementReviews", 0, decisions=[])}, {})
mr = B("managementReviews"); mr[0]["decisions"][0]["actions"][0]["due"] = "2024-06-01T00:00:00Z"
X["9.3-review-actions-overdue"] = ({"managementReviews": mr}, {})
docs = B("documents"); docs[2]["origin"] = "internal"
X["7.5-document-control"] = (None, {"documents": [dict(d, approval={"by": "P-1", "on": "2024-01-15T00:00:00Z"}) if d["id"] == "D-POL" else d for d in B("documents")]})  # D-CERT is external
n = B("nonconformities"); n[0]["actions"] = []; n[0]["noAction"] = {"reason": "The tool was retired; the cause cannot recur", "by": "P-2", "on": "2024-04-25T00:00:00Z"}; n[0].pop("review", None)
X["10.2-nc-action"] = (None, {"nonconformities": n})
ro = B("roles"); ro[1]["competence"] = {}  # P-3 holds R-AUD through Person.Roles only
X["7.2-holder-evidence"] = ({"roles": ro}, None)
inc = {"id": "NC-7", "source": "incident", "description": "Phishing led to one mailbox takeover", "detected": "2024-05-02T00:00:00Z",
       "correction": {"description": "Password reset"}, "cause": {"description": "No MFA on legacy mail"}, "noAction": {"reason": "Legacy mail retired the week after"}}
X["8.2-incident-assessment"] = ({"nonconformities": B("nonconformities") + [inc]},
    {"nonconformities": B("nonconformities") + [inc], "assessments": B("assessments") + [{"id": "RA-NC7", "date": "2024-05-20T00:00:00Z", "kind": "triggered", "trigger": "NC-7", "coverage": "partial", "risks": ["R-1"], "assessors": ["P-2"], "criteria": "RC-1@1"}]})
for rule, (f, p) in X.items():
    if f is not None:
        case(rule, True, f, name=rule + ('.fires' if rule + '.fires' not in cases else '.fires-edge'))
    if p is not None:
        case(rule, False, p, name=rule + ('.passes' if rule + '.passes' not in cases else '.edge'))
# extra: edition 2013 has no 6.3
os.makedirs('rules', exist_ok=True)
for f in glob.glob('rules/*.json'):
    os.remove(f)
for n, d in cases.items():
    with open(f'rules/{n}.json', 'w') as f:
        json.dump(d, f, indent=2); f.write('\n')
print(len(cases))
