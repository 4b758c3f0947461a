#include "timeline.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <utility>

namespace durable::testing::detail {
namespace {

using std::chrono::milliseconds;

// Operation type and resulting status an event stands for. The EventType names fuse the two
// ("StepSucceeded"); the timeline prints them as separate columns, as the operation list does.
struct EventMeaning {
  const char* type;
  const char* status;
  bool from_service;  // produced by the service between invocations, not by the handler
};

EventMeaning meaning_of(EventType t) {
  switch (t) {
    case EventType::ExecutionStarted: return {"EXECUTION", "STARTED", false};
    case EventType::ExecutionSucceeded: return {"EXECUTION", "SUCCEEDED", false};
    case EventType::ExecutionFailed: return {"EXECUTION", "FAILED", false};
    case EventType::ExecutionTimedOut: return {"EXECUTION", "TIMED_OUT", true};
    case EventType::ExecutionStopped: return {"EXECUTION", "STOPPED", true};
    case EventType::ContextStarted: return {"CONTEXT", "STARTED", false};
    case EventType::ContextSucceeded: return {"CONTEXT", "SUCCEEDED", false};
    case EventType::ContextFailed: return {"CONTEXT", "FAILED", false};
    case EventType::WaitStarted: return {"WAIT", "STARTED", false};
    case EventType::WaitSucceeded: return {"WAIT", "SUCCEEDED", true};
    case EventType::WaitCancelled: return {"WAIT", "CANCELLED", false};
    case EventType::StepStarted: return {"STEP", "STARTED", false};
    case EventType::StepSucceeded: return {"STEP", "SUCCEEDED", false};
    case EventType::StepFailed: return {"STEP", "FAILED", false};
    case EventType::ChainedInvokeStarted: return {"CHAINED_INVOKE", "STARTED", false};
    case EventType::ChainedInvokeSucceeded: return {"CHAINED_INVOKE", "SUCCEEDED", true};
    case EventType::ChainedInvokeFailed: return {"CHAINED_INVOKE", "FAILED", true};
    case EventType::ChainedInvokeTimedOut: return {"CHAINED_INVOKE", "TIMED_OUT", true};
    case EventType::ChainedInvokeStopped: return {"CHAINED_INVOKE", "STOPPED", true};
    case EventType::CallbackStarted: return {"CALLBACK", "STARTED", false};
    case EventType::CallbackSucceeded: return {"CALLBACK", "SUCCEEDED", true};
    case EventType::CallbackFailed: return {"CALLBACK", "FAILED", true};
    case EventType::CallbackTimedOut: return {"CALLBACK", "TIMED_OUT", true};
    case EventType::InvocationCompleted: return {"INVOCATION", "COMPLETED", false};
  }
  return {"?", "?", false};
}

std::string describe_error(const std::optional<ErrorObject>& error) {
  if (!error) return {};
  std::string text = error->error_type.value_or("Error");
  if (error->error_message) text += ": " + *error->error_message;
  return text;
}

std::string truncated(std::string text, std::size_t max) {
  if (text.size() > max) {
    text.resize(max);
    text += "...";
  }
  return text;
}

class Renderer {
 public:
  Renderer(const TestResult::Snapshot& snapshot, const std::vector<Event>& history,
           std::ostringstream& out)
      : snapshot_(snapshot), out_(out) {
    for (const auto& record : snapshot.invocations) by_request_.emplace(record.request_id, &record);
    // Names are printed in full; the column is as wide as the longest, so the statuses align.
    for (const auto& e : history) {
      if (e.name) name_width_ = std::max(name_width_, quoted(*e.name).size());
    }
  }

  static std::string quoted(const std::string& name) { return "\"" + name + "\""; }

  std::string offset(Timestamp t) const {
    return format_offset(std::chrono::duration_cast<milliseconds>(t - snapshot_.start_timestamp));
  }

  // One line per operation event: offset, type, name, status, then what else is worth knowing.
  void event_line(const Event& e, const char* marker) {
    const auto m = meaning_of(e.event_type);
    std::string extra;
    if (const auto* d = std::get_if<StepSucceededDetails>(&e.details)) {
      extra += attempt_text(d->retry_details);
    } else if (const auto* f = std::get_if<StepFailedDetails>(&e.details)) {
      extra += attempt_text(f->retry_details);
      if (f->error.payload) extra += "  " + describe_error(f->error.payload);
    } else if (const auto* w = std::get_if<WaitStartedDetails>(&e.details)) {
      extra += "  wait " + format_duration(std::chrono::seconds(w->duration)) + ", until " +
               offset(w->scheduled_end_timestamp);
    } else if (const auto* c = std::get_if<CallbackStartedDetails>(&e.details)) {
      extra += "  callback " + c->callback_id;
    } else if (const auto* i = std::get_if<ChainedInvokeStartedDetails>(&e.details)) {
      extra += "  -> " + i->function_name;
    } else if (const auto* err = std::get_if<ErrorDetails>(&e.details)) {
      if (err->error && err->error->payload) extra += "  " + describe_error(err->error->payload);
    }
    if (e.id) {
      if (std::string_view(m.status) == "STARTED") {
        started_[*e.id] = e.event_timestamp;
      } else if (auto it = started_.find(*e.id); it != started_.end()) {
        extra += "  (took " +
                 format_duration(std::chrono::duration_cast<milliseconds>(e.event_timestamp -
                                                                          it->second)) +
                 ")";
      }
    }
    std::string name = e.name ? quoted(*e.name) : std::string("-");
    name.resize(std::max(name.size(), name_width_), ' ');
    char head[64];
    std::snprintf(head, sizeof head, "  %s %-12s %-15s ", marker, offset(e.event_timestamp).c_str(),
                  m.type);
    char status[16];
    std::snprintf(status, sizeof status, " %-10s", m.status);
    std::string line = head + name + status + extra;
    line.erase(line.find_last_not_of(' ') + 1);
    out_ << line << "\n";
  }

  void invocation_header(std::size_t number, const Event& completed) {
    const auto* d = std::get_if<InvocationCompletedDetails>(&completed.details);
    out_ << "Invocation " << number;
    if (!d) {
      out_ << "\n";
      return;
    }
    out_ << " [" << d->request_id << "] " << offset(d->start_timestamp) << " .. "
         << offset(d->end_timestamp);
    if (auto it = by_request_.find(d->request_id); it != by_request_.end()) {
      const auto* record = it->second;
      if (record->output_status) out_ << "  returned " << to_string(*record->output_status);
      if (record->crashed) out_ << "  CRASHED (injected)";
      out_ << "  (wall " << record->wall_duration.count() << "us)";
    }
    if (d->error && d->error->payload) out_ << "  error " << describe_error(d->error->payload);
    out_ << "\n";
  }

 private:
  static std::string attempt_text(const RetryDetails& r) {
    std::string text;
    if (r.current_attempt) text += "  attempt " + std::to_string(*r.current_attempt);
    if (r.next_attempt_delay_seconds) {
      text += ", retry in " + format_duration(std::chrono::seconds(*r.next_attempt_delay_seconds));
    }
    return text;
  }

  const TestResult::Snapshot& snapshot_;
  std::ostringstream& out_;
  std::map<std::string, const InvocationRecord*> by_request_;
  std::map<std::string, Timestamp> started_;
  std::size_t name_width_ = 24;
};

}  // namespace

// Built with append rather than `"-" + string`: g++ 12 at -O2 reports a false -Wrestrict for
// the latter (GCC bug 105329).
std::string format_offset(milliseconds offset) {
  std::string text(offset.count() < 0 ? "-" : "+");
  text += format_duration(offset < milliseconds(0) ? -offset : offset);
  return text;
}

std::string format_duration(milliseconds duration) {
  auto ms = duration.count();
  if (ms < 0) {
    std::string text("-");
    text += format_duration(-duration);
    return text;
  }
  if (ms < 1000) return std::to_string(ms) + "ms";
  const long long days = ms / 86'400'000;
  ms %= 86'400'000;
  const long long hours = ms / 3'600'000;
  ms %= 3'600'000;
  const long long minutes = ms / 60'000;
  ms %= 60'000;
  const long long seconds = ms / 1000;
  ms %= 1000;
  std::string text;
  auto add = [&text](long long value, const char* unit) {
    if (!text.empty()) text += " ";
    text += std::to_string(value) + unit;
  };
  if (days) add(days, "d");
  if (hours) add(hours, "h");
  if (minutes) add(minutes, "m");
  if (seconds || ms) {
    if (!text.empty()) text += " ";
    if (ms) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%lld.%03llds", seconds, static_cast<long long>(ms));
      text += buf;
    } else {
      text += std::to_string(seconds) + "s";
    }
  }
  return text;
}

std::string render_timeline(const TestResult::Snapshot& snapshot,
                            const std::vector<Event>& history) {
  std::ostringstream out;
  Renderer renderer(snapshot, history, out);
  out << "Execution " << snapshot.execution_arn << "\n";

  // Events accumulate until the InvocationCompleted that closes them, so that the invocation's
  // header (request id, start and end) can be printed above them.
  std::vector<const Event*> pending;
  std::size_t invocation = 0;
  auto flush_service_events = [&] {
    for (const auto* e : pending) {
      if (meaning_of(e->event_type).from_service) renderer.event_line(*e, "~");
    }
  };
  for (const auto& e : history) {
    if (e.event_type == EventType::ExecutionStarted) {
      out << "  " << renderer.offset(e.event_timestamp) << " execution started\n";
      continue;
    }
    if (e.event_type == EventType::InvocationCompleted) {
      flush_service_events();
      renderer.invocation_header(++invocation, e);
      for (const auto* p : pending) {
        if (!meaning_of(p->event_type).from_service) renderer.event_line(*p, " ");
      }
      pending.clear();
      continue;
    }
    pending.push_back(&e);
  }
  // What follows the last invocation: the terminal event, timers fired meanwhile, or the events
  // of an invocation still in flight (step-by-step snapshots).
  bool in_flight_header = false;
  for (const auto* e : pending) {
    const auto m = meaning_of(e->event_type);
    if (std::string_view(m.type) == "EXECUTION") {
      renderer.event_line(*e, "=");
    } else if (m.from_service) {
      renderer.event_line(*e, "~");
    } else {
      if (!in_flight_header) {
        out << "Invocation " << invocation + 1 << " (in progress)\n";
        in_flight_header = true;
      }
      renderer.event_line(*e, " ");
    }
  }

  out << "Status: " << to_string(snapshot.status);
  if (snapshot.end_timestamp) {
    out << " at " << renderer.offset(*snapshot.end_timestamp);
  }
  out << ", " << snapshot.invocations.size() << " invocation(s)\n";
  if (snapshot.result) out << "Result: " << truncated(*snapshot.result, 400) << "\n";
  if (snapshot.error) out << "Error: " << describe_error(snapshot.error) << "\n";
  out << kTimelineLegend;
  return out.str();
}

}  // namespace durable::testing::detail
