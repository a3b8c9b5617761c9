// Refuses bad server-action requests before Next.js handles them, with the
// right status and one log line, where Next.js 16 would answer 500 (or 200
// with an error inside) and log a stack trace:
// - an action POST without an Origin, or from another origin: 403 (Next.js
//   lets an Origin-less action through and answers a mismatch with 500);
// - a malformed action id: 400; a well-formed id this build doesn't have: 409
//   with Next.js's "action not found" header, which its client router reads;
// - a payload Next.js can't decode (not JSON, broken multipart, a form naming
//   an action that doesn't exist): 400.
// Which requests count as actions follows Next.js
// (next/dist/server/lib/server-action-request-meta.js): a POST with a
// Next-Action header, or a multipart POST to a page (a form posted without
// JavaScript).
import fs from "node:fs";
import path from "node:path";
import { refuse } from "./body-limit.mjs";

/** Next.js's server reference ids: a type byte and a SHA-1, in hex. */
const ACTION_ID = /^[0-9a-f]{42}$/;
const ACTION_NOT_FOUND_HEADER = "x-nextjs-action-not-found";

function isPage(url = "/") {
  const pathname = url.split("?", 1)[0];
  return !(pathname === "/api" || pathname.startsWith("/api/") || pathname.startsWith("/_next/"));
}

function header(req, name) {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The host an action must come from, as Next.js works it out (the first X-Forwarded-Host, else Host). */
function expectedHost(req) {
  const forwarded = header(req, "x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || header(req, "host");
}

function originHost(origin) {
  try {
    return new URL(origin).host || undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function parseForm(req, body) {
  try {
    return await new Request("http://localhost/", {
      method: "POST",
      headers: { "content-type": header(req, "content-type") ?? "" },
      body,
    }).formData();
  } catch {
    return undefined;
  }
}

/**
 * The guard for one build: `distDir` is Next.js's output folder, whose server
 * reference manifest lists the actions that exist.
 */
export function actionGuard(distDir) {
  const manifestFile = path.join(distDir, "server", "server-reference-manifest.json");
  let cached = { mtimeMs: -1, ids: new Set() };

  /**
   * The action ids of the current build, re-read when the file changes (as in development);
   * undefined when there is no manifest to go by, and then Next.js alone judges the id.
   */
  function knownIds() {
    try {
      const { mtimeMs } = fs.statSync(manifestFile);
      if (mtimeMs !== cached.mtimeMs) {
        const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
        cached = { mtimeMs, ids: new Set([...Object.keys(manifest.node ?? {}), ...Object.keys(manifest.edge ?? {})]) };
      }
      return cached.ids;
    } catch {
      return undefined;
    }
  }

  /** Refuses a bad action id; true when it answered. */
  function refuseActionId(req, res, id) {
    if (!ACTION_ID.test(id)) {
      refuse(req, res, 400, "Invalid server action request");
      return true;
    }
    const ids = knownIds();
    if (ids !== undefined && !ids.has(id)) {
      refuse(req, res, 409, "Server action unavailable (the page may be from another version; reload it)", {
        [ACTION_NOT_FOUND_HEADER]: "1",
      });
      return true;
    }
    return false;
  }

  /**
   * A form posted without JavaScript names its action in $ACTION_ID_<id>, or in $ACTION_REF_<n>
   * with $ACTION_<n>:0 (JSON: the id, and its bound arguments in more $ACTION_<n>:<m> JSON
   * fields). Mirrors Next.js's areAllActionIdsValid, which refuses the same forms with a stack trace.
   */
  function refuseFormAction(req, res, form) {
    const invalid = (why) => {
      refuse(req, res, 400, `Invalid server action request: ${why}`);
      return true;
    };
    let refs = 0;
    let actions = 0;
    for (const [key, value] of form) {
      if (/^\$ACTION_\d+:\d+$/.test(key) && typeof value === "string" && !parseJson(value)) return invalid("the payload is not valid");
      if (key.startsWith("$ACTION_ID_")) {
        if (refuseActionId(req, res, key.slice("$ACTION_ID_".length))) return true;
        actions++;
      } else if (key.startsWith("$ACTION_REF_")) {
        if (++refs > 2) return invalid("too many actions");
        const descriptors = form.getAll(`$ACTION_${key.slice("$ACTION_REF_".length)}:0`);
        let id;
        try {
          id = descriptors.length === 1 && typeof descriptors[0] === "string" ? JSON.parse(descriptors[0])?.id : undefined;
        } catch {
          id = undefined;
        }
        if (typeof id !== "string") return invalid("the payload is not valid");
        if (refuseActionId(req, res, id)) return true;
        actions++;
      }
    }
    return actions === 0 && invalid("no action named");
  }

  return {
    /** Whether Next.js would treat this request as a (possible) server action. */
    applies(req) {
      if (req.method !== "POST" || !isPage(req.url)) return false;
      return header(req, "next-action") !== undefined || (header(req, "content-type") ?? "").startsWith("multipart/form-data");
    },

    /** Checks what the headers alone decide; true when it answered the request. */
    refuseByHeaders(req, res) {
      const origin = header(req, "origin");
      if (origin === undefined) {
        refuse(req, res, 403, "Server actions need an Origin header");
        return true;
      }
      const host = originHost(origin);
      if (host === undefined || host !== expectedHost(req)) {
        refuse(req, res, 403, "Server actions are only accepted from this site's own pages");
        return true;
      }
      const id = header(req, "next-action");
      return id !== undefined && refuseActionId(req, res, id);
    },

    /** Checks that Next.js will be able to decode the payload; true when it answered the request. */
    async refuseByBody(req, res, body) {
      const multipart = (header(req, "content-type") ?? "").startsWith("multipart/form-data");
      const fetchAction = header(req, "next-action") !== undefined;
      if (!multipart) {
        // A fetch action whose arguments encode as plain JSON (React's encodeReply as a string).
        if (fetchAction && !parseJson(body.toString("utf8"))) {
          refuse(req, res, 400, "Invalid server action request: the payload is not valid");
          return true;
        }
        return false;
      }
      const form = await parseForm(req, body);
      if (form === undefined) {
        refuse(req, res, 400, "Invalid server action request: the form data is malformed");
        return true;
      }
      if (fetchAction) {
        // React's encodeReply puts the arguments' root in field "0", as JSON.
        const root = form.get("0");
        if (typeof root !== "string" || !parseJson(root)) {
          refuse(req, res, 400, "Invalid server action request: the payload is not valid");
          return true;
        }
        return false;
      }
      return refuseFormAction(req, res, form);
    },
  };
}
