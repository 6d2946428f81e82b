// A small xAPI 1.0.3 Learning Record Store with a cmi5 "LMS side", for the tests only.
// Node's http module and nothing else on the wire; statements and documents in SQLite (npm sql.js,
// in memory, written to a file on close when asked). Every statement is checked with npm
// xapi-validation and with the cmi5 session rules an LMS enforces (its actor, registration and
// session id are the launch's; nothing after "terminated"); a refused one is answered 400 AND
// recorded in the errors table, so a test that only looks at what was stored still fails.
//
// Resources (under the endpoint, http://127.0.0.1:PORT/xapi/):
//   statements        POST (one or a list), PUT ?statementId=, GET ?statementId= | filters
//   activities/state  GET / PUT / POST (JSON merge) / DELETE, ETag + If-Match / If-None-Match
//   agents/profile    GET / PUT / POST / DELETE (cmi5LearnerPreferences)
//   about             GET (no auth, no version header needed)
// and the cmi5 fetch URL http://127.0.0.1:PORT/fetch/KEY (POST once -> {"auth-token"}; again ->
// {"error-code": "1", ...} with 200, as cmi5 section 8.2.3 says).
// Every xAPI request needs X-Experience-API-Version 1.0.x and an Authorization header: Basic (or
// Bearer) with a token from a fetch URL, or the LMS's own credentials (lrs.adminAuth).
// CORS is answered for any origin: an AU is served from another origin than its LMS.
//
// Library use (tests/browser/cmi5.test.mjs):
//   const lrs = await startLrs();            // {url, endpoint, db, errors, launch(), query(), close()}
//   const l = lrs.launch({actor, registration, activityId, publisherId, masteryScore, moveOn});
//   page.goto(`${site}index.html?${l.query}`)
// Command line: node tests/lrs/lrs.mjs [--port N] [--host H] [--db FILE]
import http from "node:http";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "package.json"));
const initSqlJs = require("sql.js");
const validateStatement = require("xapi-validation").default;

export const VERBS = {
  launched: "http://adlnet.gov/expapi/verbs/launched",
  initialized: "http://adlnet.gov/expapi/verbs/initialized",
  completed: "http://adlnet.gov/expapi/verbs/completed",
  passed: "http://adlnet.gov/expapi/verbs/passed",
  failed: "http://adlnet.gov/expapi/verbs/failed",
  terminated: "http://adlnet.gov/expapi/verbs/terminated",
  interacted: "http://adlnet.gov/expapi/verbs/interacted",
};
export const SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
export const CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
export const MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon";
const MAX_BODY = 1 << 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// The identity of an agent (its inverse functional identifier) as a stable key; throws 400.
export function agentKey(agent) {
  if (!agent || typeof agent !== "object" || Array.isArray(agent)) throw new HttpError(400, "agent is not a JSON object");
  if (typeof agent.mbox === "string") return "mbox:" + agent.mbox;
  if (typeof agent.mbox_sha1sum === "string") return "sha1:" + agent.mbox_sha1sum;
  if (typeof agent.openid === "string") return "openid:" + agent.openid;
  const a = agent.account;
  if (a && typeof a.homePage === "string" && typeof a.name === "string") return "account:" + a.homePage + "|" + a.name;
  throw new HttpError(400, "agent has no mbox, mbox_sha1sum, openid or account");
}

function sameJson(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

export async function startLrs({ port = 0, host = "127.0.0.1", dbFile = null, log = false } = {}) {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`
    CREATE TABLE statements (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, verb TEXT,
      actor TEXT, activity TEXT, registration TEXT, session TEXT, timestamp TEXT, stored TEXT,
      by TEXT, json TEXT NOT NULL);
    CREATE TABLE documents (kind TEXT, activity TEXT, agent TEXT, registration TEXT, doc_id TEXT,
      content_type TEXT, body TEXT, etag TEXT, updated TEXT,
      PRIMARY KEY (kind, activity, agent, registration, doc_id));
    CREATE TABLE errors (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, method TEXT, path TEXT,
      status INTEGER, message TEXT);
    CREATE TABLE requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, method TEXT, path TEXT,
      status INTEGER, auth TEXT);`);

  const adminToken = Buffer.from("lms:" + crypto.randomBytes(9).toString("hex")).toString("base64");
  const tokens = new Map();   // auth token -> session {actorKey, registration, activityId, sessionId}
  const fetchKeys = new Map(); // fetch key -> {session, used}
  const sessions = new Map();  // session id -> {terminated: bool}
  const errors = [];

  function query(sql, params = []) {
    const st = db.prepare(sql);
    const rows = [];
    try {
      st.bind(params);
      while (st.step()) rows.push(st.getAsObject());
    } finally { st.free(); }
    return rows;
  }
  function recordError(method, p, status, message) {
    errors.push({ method, path: p, status, message });
    db.run("INSERT INTO errors (at, method, path, status, message) VALUES (?,?,?,?,?)",
           [new Date().toISOString(), method, p, status, message]);
    if (log) console.log(`lrs: ${method} ${p} -> ${status}: ${message}`);
  }

  // ---- statements -------------------------------------------------------------------------------
  // Checks one statement (xapi-validation, then the launch's cmi5 session rules) and stores it.
  function storeStatement(raw, who, idFromQuery) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new HttpError(400, "a statement must be a JSON object");
    const s = JSON.parse(JSON.stringify(raw));
    if (idFromQuery !== undefined) {
      if (s.id !== undefined && s.id !== idFromQuery) throw new HttpError(400, "statementId differs from the statement's id");
      s.id = idFromQuery;
    }
    if (s.id === undefined) s.id = crypto.randomUUID();
    const warnings = validateStatement(s);
    if (warnings.length)
      throw new HttpError(400, "invalid statement: " + warnings.slice(0, 5).map((w) =>
        `${(w.path || []).join(".")} is not a valid ${w.typeName || "value"} (${JSON.stringify(w.data)})`.slice(0, 300)).join("; "));
    if (!UUID.test(s.id)) throw new HttpError(400, "statement id is not a UUID");
    for (const k of ["stored", "authority", "version"]) if (k in s && who.session) throw new HttpError(400, `an AU may not set ${k}`);
    const registration = s.context && s.context.registration || null;
    const session = s.context && s.context.extensions && s.context.extensions[SESSION_EXT] || null;
    if (who.session) {
      // What an LMS checks for an AU's statements (cmi5 sections 8.1, 9.6.1, 9.6.3.1, 9.3.8).
      const w = who.session;
      if (agentKey(s.actor) !== w.actorKey) throw new HttpError(403, "the statement's actor is not the launched learner");
      if (registration !== w.registration) throw new HttpError(400, `context.registration ${registration} is not the launch's ${w.registration}`);
      if (session !== w.sessionId) throw new HttpError(400, `context session id ${session} is not the launch's ${w.sessionId}`);
      const st = sessions.get(w.sessionId);
      if (st.terminated) throw new HttpError(400, `a statement after "terminated" in session ${w.sessionId}`);
      if (!st.initialized && !(s.verb && s.verb.id === VERBS.initialized))
        throw new HttpError(400, `the first statement of session ${w.sessionId} is not "initialized" (${s.verb && s.verb.id})`);
      const cats = (s.context.contextActivities && s.context.contextActivities.category) || [];
      const cmi5 = cats.some((c) => c && c.id === CMI5_CATEGORY);
      if (cmi5 && s.object && s.object.id !== w.activityId) throw new HttpError(400, "a cmi5 defined statement about another activity");
      if (!cmi5 && cats.some((c) => c && c.id === MOVEON_CATEGORY)) throw new HttpError(400, "moveOn category on a statement that is not cmi5 defined");
    }
    const old = query("SELECT json FROM statements WHERE id = ?", [s.id]);
    if (old.length) {
      const o = JSON.parse(old[0].json);
      for (const k of ["stored", "authority", "version"]) delete o[k];
      if (!sameJson(o, s)) throw new HttpError(409, `statement ${s.id} exists with other content`);
      return s.id;
    }
    s.stored = new Date().toISOString();
    if (!s.timestamp) s.timestamp = s.stored;
    s.version = "1.0.3";
    s.authority = { objectType: "Agent", name: who.session ? "cmi5 session" : "LMS",
                    account: { homePage: "http://127.0.0.1/lrs", name: who.session ? who.session.sessionId : "lms" } };
    db.run(`INSERT INTO statements (id, verb, actor, activity, registration, session, timestamp, stored, by, json)
            VALUES (?,?,?,?,?,?,?,?,?,?)`,
           [s.id, s.verb && s.verb.id, agentKey(s.actor), s.object && s.object.id, registration, session,
            s.timestamp, s.stored, who.session ? who.session.sessionId : "lms", JSON.stringify(s)]);
    if (who.session) {
      if (s.verb.id === VERBS.terminated) sessions.get(who.session.sessionId).terminated = true;
      if (s.verb.id === VERBS.initialized) sessions.get(who.session.sessionId).initialized = true;
    }
    return s.id;
  }

  function getStatements(q) {
    if (q.has("statementId")) {
      const rows = query("SELECT json FROM statements WHERE id = ?", [q.get("statementId")]);
      if (!rows.length) throw new HttpError(404, "no such statement");
      return JSON.parse(rows[0].json);
    }
    const where = [], params = [];
    if (q.has("agent")) { where.push("actor = ?"); params.push(agentKey(parseJsonParam(q, "agent"))); }
    if (q.has("verb")) { where.push("verb = ?"); params.push(q.get("verb")); }
    if (q.has("activity")) { where.push("activity = ?"); params.push(q.get("activity")); }
    if (q.has("registration")) { where.push("registration = ?"); params.push(q.get("registration")); }
    if (q.has("since")) { where.push("stored > ?"); params.push(q.get("since")); }
    if (q.has("until")) { where.push("stored <= ?"); params.push(q.get("until")); }
    const limit = Math.min(Math.max(parseInt(q.get("limit") || "0", 10) || 0, 0) || 500, 500);
    const order = q.get("ascending") === "true" ? "ASC" : "DESC";
    const rows = query(`SELECT json FROM statements ${where.length ? "WHERE " + where.join(" AND ") : ""}
                        ORDER BY seq ${order} LIMIT ${limit}`, params);
    return { statements: rows.map((r) => JSON.parse(r.json)), more: "" };
  }

  // ---- documents (State API, Agent Profile API) --------------------------------------------------
  function parseJsonParam(q, name) {
    const text = q.get(name);
    if (text === null) throw new HttpError(400, `missing ${name}`);
    try { return JSON.parse(text); } catch { throw new HttpError(400, `${name} is not JSON`); }
  }
  function docKey(kind, q, needId) {
    const agent = agentKey(parseJsonParam(q, "agent"));
    let activity = "", registration = "";
    if (kind === "state") {
      activity = q.get("activityId");
      if (!activity) throw new HttpError(400, "missing activityId");
      registration = q.get("registration") || "";
      if (registration && !UUID.test(registration)) throw new HttpError(400, "registration is not a UUID");
    }
    const idName = kind === "state" ? "stateId" : "profileId";
    const docId = q.get(idName);
    if (needId && !docId) throw new HttpError(400, `missing ${idName}`);
    return { kind, activity, agent, registration, docId };
  }
  function findDoc(k) {
    const rows = query(`SELECT * FROM documents WHERE kind=? AND activity=? AND agent=? AND registration=? AND doc_id=?`,
                       [k.kind, k.activity, k.agent, k.registration, k.docId]);
    return rows[0] || null;
  }
  function checkPreconditions(req, doc) {
    const ifMatch = req.headers["if-match"], ifNone = req.headers["if-none-match"];
    if (ifMatch && (!doc || (ifMatch !== "*" && ifMatch.replace(/"/g, "") !== doc.etag))) throw new HttpError(412, "If-Match failed");
    if (ifNone === "*" && doc) throw new HttpError(412, "If-None-Match: * but the document exists");
  }
  function writeDoc(k, contentType, body) {
    const etag = crypto.createHash("sha1").update(body).digest("hex");
    db.run(`INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?)`,
           [k.kind, k.activity, k.agent, k.registration, k.docId, contentType, body, etag, new Date().toISOString()]);
  }
  function documents(kind, req, res, q, body) {
    if (req.method === "GET") {
      const k = docKey(kind, q, false);
      if (!k.docId) {
        const rows = query(`SELECT doc_id FROM documents WHERE kind=? AND activity=? AND agent=? AND registration=?`,
                           [k.kind, k.activity, k.agent, k.registration]);
        return send(res, 200, JSON.stringify(rows.map((r) => r.doc_id)));
      }
      const doc = findDoc(k);
      if (!doc) throw new HttpError(404, `no ${kind} document ${k.docId}`);
      return send(res, 200, doc.body, { "Content-Type": doc.content_type, ETag: `"${doc.etag}"`, "Last-Modified": new Date(doc.updated).toUTCString() });
    }
    if (req.method === "DELETE") {
      const k = docKey(kind, q, kind !== "state");
      if (k.docId) {
        checkPreconditions(req, findDoc(k));
        db.run(`DELETE FROM documents WHERE kind=? AND activity=? AND agent=? AND registration=? AND doc_id=?`,
               [k.kind, k.activity, k.agent, k.registration, k.docId]);
      } else {
        db.run(`DELETE FROM documents WHERE kind=? AND activity=? AND agent=? AND registration=?`,
               [k.kind, k.activity, k.agent, k.registration]);
      }
      return send(res, 204, "");
    }
    const k = docKey(kind, q, true);
    const doc = findDoc(k);
    checkPreconditions(req, doc);
    const type = String(req.headers["content-type"] || "application/octet-stream");
    const text = body.toString("utf8");
    if (req.method === "PUT") { writeDoc(k, type, text); return send(res, 204, ""); }
    if (req.method === "POST") {
      // JSON merge (xAPI 1.0.3 section 2.2 of part three): both must be JSON objects.
      let incoming;
      try { incoming = JSON.parse(text); } catch { throw new HttpError(400, "POST needs a JSON object"); }
      if (!incoming || typeof incoming !== "object" || Array.isArray(incoming)) throw new HttpError(400, "POST needs a JSON object");
      let merged = incoming;
      if (doc) {
        let existing;
        try { existing = JSON.parse(doc.body); } catch { throw new HttpError(400, "the stored document is not JSON"); }
        if (!existing || typeof existing !== "object" || Array.isArray(existing)) throw new HttpError(400, "the stored document is not a JSON object");
        merged = Object.assign(existing, incoming);
      }
      writeDoc(k, "application/json", JSON.stringify(merged));
      return send(res, 204, "");
    }
    throw new HttpError(405, `${req.method} is not allowed here`);
  }

  // ---- HTTP --------------------------------------------------------------------------------------
  let currentOrigin = null;
  function send(res, status, text, headers = {}) {
    res.writeHead(status, {
      "X-Experience-API-Version": "1.0.3",
      "Access-Control-Allow-Origin": currentOrigin || "*",
      "Access-Control-Expose-Headers": "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through",
      "Cache-Control": "no-store",
      ...(text && !headers["Content-Type"] ? { "Content-Type": "application/json" } : {}),
      ...headers,
    });
    res.end(text);
  }
  function authorise(req) {
    const h = String(req.headers.authorization || "");
    const m = /^(Basic|Bearer) (.+)$/.exec(h);
    if (!m) throw new HttpError(401, "no Authorization header");
    if (m[2] === adminToken) return { session: null };
    const session = tokens.get(m[2]);
    if (!session) throw new HttpError(401, "unknown credentials");
    return { session };
  }

  function handle(req, res, body) {
    const url = new URL(req.url, "http://x");
    const p = url.pathname, q = url.searchParams;
    currentOrigin = typeof req.headers.origin === "string" ? req.headers.origin : null;
    if (req.method === "OPTIONS") {
      return send(res, 204, "", {
        "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match",
        "Access-Control-Max-Age": "600",
      });
    }
    if (p === "/favicon.ico") return send(res, 204, "");  // a browser on a returnURL here asks for it
    const fm = /^\/fetch\/([A-Za-z0-9_-]+)$/.exec(p);
    if (fm) {
      if (req.method !== "POST") throw new HttpError(405, "the fetch URL takes POST only");
      const f = fetchKeys.get(fm[1]);
      if (!f) return send(res, 200, JSON.stringify({ "error-code": "2", "error-text": "Unknown fetch URL." }));
      if (f.used) return send(res, 200, JSON.stringify({ "error-code": "1", "error-text": "The authorization token has already been returned." }));
      f.used = true;
      const token = Buffer.from(f.session.sessionId + ":" + crypto.randomBytes(12).toString("hex")).toString("base64");
      tokens.set(token, f.session);
      return send(res, 200, JSON.stringify({ "auth-token": token }));
    }
    if (!p.startsWith("/xapi/")) throw new HttpError(404, "not found");
    const resource = p.slice("/xapi/".length);
    if (resource === "about") return send(res, 200, JSON.stringify({ version: ["1.0.3"] }));
    const version = String(req.headers["x-experience-api-version"] || "");
    if (!/^1\.0(\.\d+)?$/.test(version)) throw new HttpError(400, `X-Experience-API-Version missing or unsupported (${JSON.stringify(version)})`);
    const who = authorise(req);
    if (resource === "statements") {
      if (req.method === "GET") return send(res, 200, JSON.stringify(getStatements(q)),
                                            { "X-Experience-API-Consistent-Through": new Date().toISOString() });
      let parsed;
      try { parsed = JSON.parse(body.toString("utf8")); } catch { throw new HttpError(400, "the body is not JSON"); }
      if (req.method === "PUT") {
        const id = q.get("statementId");
        if (!id) throw new HttpError(400, "PUT needs statementId");
        storeStatement(parsed, who, id);
        return send(res, 204, "");
      }
      if (req.method === "POST") {
        const list = Array.isArray(parsed) ? parsed : [parsed];
        if (!list.length) throw new HttpError(400, "no statements");
        // All or nothing: check every statement before storing any.
        db.run("SAVEPOINT batch");
        const ids = [];
        try {
          for (const s of list) ids.push(storeStatement(s, who));
          db.run("RELEASE batch");
        } catch (e) {
          db.run("ROLLBACK TO batch");
          db.run("RELEASE batch");
          if (who.session) {  // the flags as the stored statements say
            const st = sessions.get(who.session.sessionId), has = (v) => query(
              "SELECT 1 FROM statements WHERE session = ? AND verb = ? AND by = ?", [who.session.sessionId, v, who.session.sessionId]).length > 0;
            st.terminated = has(VERBS.terminated);
            st.initialized = has(VERBS.initialized);
          }
          throw e;
        }
        return send(res, 200, JSON.stringify(ids));
      }
      throw new HttpError(405, `${req.method} is not allowed on statements`);
    }
    if (resource === "activities/state") return documents("state", req, res, q, body);
    if (resource === "agents/profile") return documents("profile", req, res, q, body);
    throw new HttpError(404, `no resource ${resource}`);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      let status = 0;
      const origEnd = res.writeHead.bind(res);
      res.writeHead = (s, h) => { status = s; return origEnd(s, h); };
      try {
        if (size > MAX_BODY) throw new HttpError(413, "body over 1 MB");
        handle(req, res, Buffer.concat(chunks));
      } catch (e) {
        const st = e instanceof HttpError ? e.status : 500;
        const msg = e instanceof HttpError ? e.message : "internal error: " + (e && e.stack || e);
        recordError(req.method, req.url, st, msg);
        if (!res.headersSent) send(res, st, JSON.stringify({ error: msg }));
      }
      db.run("INSERT INTO requests (at, method, path, status, auth) VALUES (?,?,?,?,?)",
             [new Date().toISOString(), req.method, req.url.slice(0, 400), status, String(req.headers.authorization || "").slice(0, 6)]);
      if (log) console.log(`lrs: ${req.method} ${req.url.slice(0, 120)} -> ${status}`);
    });
  });
  await new Promise((resolve, reject) => { server.once("error", reject); server.listen(port, host, resolve); });
  const url = `http://${host}:${server.address().port}/`;
  const endpoint = url + "xapi/";

  // What a cmi5 LMS does before it launches an AU (sections 8.1, 9.3.1, 10): a session id, the
  // "launched" statement, the LMS.LaunchData state document and a one-time fetch URL. Returns the
  // launch's query string (endpoint, fetch, actor, registration, activityId) and its session id.
  function launch({ actor, registration = crypto.randomUUID(), activityId, publisherId = activityId + "/publisher",
                    launchMode = "Normal", moveOn = "CompletedAndPassed", masteryScore, returnURL, launchUrl = "http://127.0.0.1/au/index.html",
                    launchData, preferences = { languagePreference: "en-US", audioPreference: "off" } } = {}) {
    const sessionId = crypto.randomUUID();
    const contextTemplate = {
      contextActivities: { grouping: [{ objectType: "Activity", id: publisherId }] },
      extensions: { [SESSION_EXT]: sessionId },
    };
    const data = launchData || {
      contextTemplate, launchMode, moveOn,
      ...(masteryScore !== undefined ? { masteryScore } : {}),
      ...(returnURL !== undefined ? { returnURL } : {}),
    };
    const k = { kind: "state", activity: activityId, agent: agentKey(actor), registration, docId: "LMS.LaunchData" };
    writeDoc(k, "application/json", typeof data === "string" ? data : JSON.stringify(data));
    if (preferences)  // cmi5 section 11: the AU reads cmi5LearnerPreferences at start-up
      writeDoc({ kind: "profile", activity: "", agent: agentKey(actor), registration: "", docId: "cmi5LearnerPreferences" },
               "application/json", JSON.stringify(preferences));
    const launchedExt = {
      [SESSION_EXT]: sessionId,
      "https://w3id.org/xapi/cmi5/context/extensions/launchmode": launchMode,
      "https://w3id.org/xapi/cmi5/context/extensions/launchurl": launchUrl,
      "https://w3id.org/xapi/cmi5/context/extensions/moveon": moveOn,
      ...(masteryScore !== undefined ? { "https://w3id.org/xapi/cmi5/context/extensions/masteryscore": masteryScore } : {}),
    };
    storeStatement({
      id: crypto.randomUUID(), actor, timestamp: new Date().toISOString(),
      verb: { id: VERBS.launched, display: { "en-US": "launched" } },
      object: { objectType: "Activity", id: activityId },
      context: { registration, contextActivities: { category: [{ id: CMI5_CATEGORY }], grouping: [{ objectType: "Activity", id: publisherId }] },
                 extensions: launchedExt },
    }, { session: null });
    const session = { actorKey: agentKey(actor), registration, activityId, sessionId };
    sessions.set(sessionId, { initialized: false, terminated: false });
    const key = crypto.randomBytes(12).toString("hex");
    fetchKeys.set(key, { session, used: false });
    const params = new URLSearchParams({ endpoint, fetch: `${url}fetch/${key}`, actor: JSON.stringify(actor), registration, activityId });
    return { sessionId, registration, query: params.toString(), fetchUrl: `${url}fetch/${key}` };
  }

  function close() {
    return new Promise((resolve) => {
      if (dbFile) fs.writeFileSync(dbFile, Buffer.from(db.export()));
      server.closeAllConnections && server.closeAllConnections();
      server.close(() => resolve());
    });
  }

  return {
    url, endpoint, db, errors, query, launch, close, server,
    adminAuth: "Basic " + adminToken,
    // The statements of a session (or all), oldest first, parsed.
    statements(sessionId) {
      const rows = sessionId ? query("SELECT json FROM statements WHERE session = ? ORDER BY seq", [sessionId])
                             : query("SELECT json FROM statements ORDER BY seq");
      return rows.map((r) => JSON.parse(r.json));
    },
    state(activityId, actor, registration, stateId) {
      const d = findDoc({ kind: "state", activity: activityId, agent: agentKey(actor), registration: registration || "", docId: stateId });
      return d ? d.body : null;
    },
  };
}

// ---- command line ---------------------------------------------------------------------------------
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (n, d) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : d; };
  const lrs = await startLrs({ port: Number(opt("--port", "0")), host: opt("--host", "127.0.0.1"), dbFile: opt("--db", null), log: true });
  console.log(`lrs: endpoint ${lrs.endpoint} (LMS credentials: ${lrs.adminAuth})`);
  const stop = () => lrs.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
