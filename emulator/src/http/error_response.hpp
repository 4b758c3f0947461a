// How a failure is written on the wire (PROTOCOL.md §4.9, DESIGN.md §4): the HTTP status, a
// JSON body {"Type": code, "message"|"Message": text} spelled as the API model spells that
// exception, and header X-Amzn-ErrorType so botocore-based clients see the exception name.
#pragma once

#include <httplib.h>

#include <string>

namespace durable::emulator::http {

// The body member the API model gives this exception's text: "message" or "Message".
const char* message_member(const std::string& code);
void write_error(httplib::Response& res, int status, const std::string& code,
                 const std::string& message);

}  // namespace durable::emulator::http
