#include "durable/operation_id.hpp"

#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <memory>
#include <stdexcept>
#include <string>

namespace durable {
namespace {

// Fetching the digest explicitly once avoids OpenSSL 3's implicit per-call provider lookup that a
// legacy EVP_blake2b512() pointer triggers on every EVP_DigestInit_ex.
const EVP_MD* blake2b512() {
  static const EVP_MD* const kMd = [] {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    const EVP_MD* md = EVP_MD_fetch(nullptr, "BLAKE2B-512", nullptr);
#else
    const EVP_MD* md = EVP_blake2b512();
#endif
    if (md == nullptr) {
      throw std::runtime_error("operation_id: OpenSSL does not provide the BLAKE2B-512 digest");
    }
    return md;
  }();
  return kMd;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One context per thread, reset by each EVP_DigestInit_ex, so hashing allocates nothing after the
// first call on a thread and threads never share mutable OpenSSL state.
EVP_MD_CTX* thread_context() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx{EVP_MD_CTX_new()};
  if (!ctx) {
    throw std::runtime_error("operation_id: EVP_MD_CTX_new failed");
  }
  return ctx.get();
}

}  // namespace

std::string operation_id(std::optional<std::string_view> prefix, std::uint64_t n) {
  const EVP_MD* md = blake2b512();
  EVP_MD_CTX* ctx = thread_context();

  std::array<char, 20> digits{};  // 2^64-1 has 20 decimal digits
  const auto conv = std::to_chars(digits.data(), digits.data() + digits.size(), n);

  // The raw string is fed in pieces so no concatenated copy of the (64-char) prefix is built.
  bool ok = EVP_DigestInit_ex(ctx, md, nullptr) == 1;
  if (ok && prefix) {
    ok = EVP_DigestUpdate(ctx, prefix->data(), prefix->size()) == 1 &&
         EVP_DigestUpdate(ctx, "-", 1) == 1;
  }
  ok = ok && EVP_DigestUpdate(ctx, digits.data(),
                              static_cast<std::size_t>(conv.ptr - digits.data())) == 1;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, digest.data(), &digest_len) == 1;
  if (!ok || digest_len * 2 < kOperationIdLength) {
    throw std::runtime_error("operation_id: BLAKE2b-512 hashing failed");
  }

  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(kOperationIdLength, '\0');
  for (std::size_t i = 0; i < kOperationIdLength / 2; ++i) {
    id[2 * i] = kHex[digest[i] >> 4];
    id[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return id;
}

}  // namespace durable
