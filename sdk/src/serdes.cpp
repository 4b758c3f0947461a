// The explicit instantiations that serdes.hpp and callback_config.hpp declare extern: the default
// SerDes of the common value types, compiled here once instead of in every user translation unit.
#include "durable/callback_config.hpp"
#include "durable/serdes.hpp"

namespace durable {

template class JsonSerDes<Json>;
template class JsonSerDes<std::string>;
template class JsonSerDes<bool>;
template class JsonSerDes<int>;
template class JsonSerDes<std::int64_t>;
template class JsonSerDes<double>;

namespace detail {
template class CallbackJsonSerDes<Json>;
template class CallbackJsonSerDes<std::string>;
}  // namespace detail

}  // namespace durable
