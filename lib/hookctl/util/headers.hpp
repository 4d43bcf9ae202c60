#pragma once
// An ordered list of HTTP header fields that keeps case and duplicates as given.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookctl::util {

// HTTP header fields in order; lookups ignore the case of names.
class Headers {
public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(std::initializer_list<Field> fields) : m_fields(fields) {}

  // Appends the field `name: value`, keeping any earlier field of that name.
  void add(std::string name, std::string value) { m_fields.emplace_back(std::move(name), std::move(value)); }
  // Room for `n` fields without reallocating.
  void reserve(size_t n) { m_fields.reserve(n); }

  // Replaces every field named `name` (any case) with one `name: value`, or appends it.
  void set(std::string name, std::string value);

  // Sets the value of every field whose name `which` accepts to `value`, in place (order kept).
  template <typename Pred> void mask(Pred which, std::string_view value) {
    for (auto& f : m_fields)
      if (which(std::string_view(f.first))) f.second = value;
  }

  // Removes every field named `name` (any case).
  void remove(std::string_view name);

  // The value of the first field named `name` (any case), if there is one.
  std::optional<std::string_view> get(std::string_view name) const;

  // How many fields are named `name` (any case).
  size_t count(std::string_view name) const;

  // Every field, in order.
  const std::vector<Field>& fields() const { return m_fields; }
  // The fields themselves, for a parser that rewrites them in place (reusing their strings'
  // storage) instead of adding new ones.
  std::vector<Field>& mutable_fields() { return m_fields; }
  bool empty() const { return m_fields.empty(); }
  size_t size() const { return m_fields.size(); }

private:
  std::vector<Field> m_fields;
};

// Whether `value` can be sent as a header field value: no CR, LF or NUL (which would end the field
// or the header block and let the rest pass for headers of its own).
bool is_field_value(std::string_view value);

} // namespace hookctl::util
