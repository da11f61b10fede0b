#pragma once
// Webhooks: POST a JSON document to a URL (Slack's incoming webhooks, Mattermost, a chat
// bridge, your own endpoint). Used by `serve`'s per-schedule notifications; small and free of
// the rest of the controller so any command can post one (e.g. `run --notify URL`).
//
// Slack-compatible means the document has a top-level "text" string: Slack, Mattermost and
// most chat bridges show that field and ignore the rest. with_text() adds it.
//
// Requests never follow redirects, speak http(s) only, and honour the usual https_proxy /
// no_proxy environment except for loopback, which is always reached directly.
//
// Thread-safety: every function may be called from any thread at once.

#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace chaos::notify {

// InvalidArgument unless `url` is http:// or https:// with a host, e.g.
// "'ftp://x' is not an http:// or https:// URL" (callers add the flag's name).
Status check_webhook_url(std::string_view url);

// What may be shown of a URL to whoever can read the API or the logs: scheme and host only.
// Webhook URLs carry their secret in the path ("https://hooks.slack.com/services/T0/B0/XyZ"
// becomes "https://hooks.slack.com/...").
std::string redact_url(std::string_view url);

// `document` with "text" set to `text` (kept first, for people reading the raw body).
boost::json::object with_text(boost::json::object document, std::string_view text);

// POSTs `json_body` (Content-Type: application/json) and waits, at most `timeout`, for the
// answer. OK on any 2xx; otherwise names the URL (redacted) and the HTTP status or the
// transport error, e.g. "webhook http://127.0.0.1:9/...: Couldn't connect to server".
Status post_json(const std::string& url, const std::string& json_body,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace chaos::notify
