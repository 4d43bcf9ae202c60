#pragma once
// Delivery ids in the shape each provider uses.

#include <string>
#include <string_view>

namespace hookctl::sign {

// A fresh delivery id for `provider` made from 16 bytes of `entropy`: a UUID v4 for GitHub,
// Shopify and Twitch, otherwise `msg_` and 22 base62 characters as Svix ids look.
std::string delivery_id(std::string_view provider, std::string_view entropy);

} // namespace hookctl::sign
