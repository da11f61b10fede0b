#pragma once
// Toxic: a Toxiproxy toxic (type, stream, toxicity, attributes) and the fault of the network
// plugin that carries it out. This table is the one place where Toxiproxy's vocabulary meets
// ours:
//
//   latency     {latency, jitter} ms    -> latency   {delay, jitter, direction = stream}
//   bandwidth   {rate} KB/s             -> bandwidth {rate = rate x 1000 bytes/s, direction}
//   slow_close  {delay} ms              -> outage    {mode = slow_close, delay}
//   timeout     {timeout} ms (0: never) -> outage    {mode = timeout, delay} (0: blackhole)
//   reset_peer  {timeout} ms            -> outage    {mode = reset, delay}
//   limit_data  {bytes}                 -> outage    {mode = limit_data, bytes, direction}
//
// toxicity is the fault's probability (drawn once per connection, as Toxiproxy does), and every
// toxic acts on connections already open, as Toxiproxy's do. The outage modes act on the whole
// connection whatever the stream (a closed or reset connection is closed both ways).
//
// Pure values; thread-safe.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "common/status.h"

namespace chaos::proxies {

struct Toxic {
  std::string name;  // unique within its proxy; default "<type>_<stream>"
  std::string type;
  std::string stream = "downstream";  // "upstream" (client to server) or "downstream"
  double toxicity = 1;
  boost::json::object attributes;  // the type's attributes, defaults filled in

  // {"name","type","stream","toxicity","attributes"}: Toxiproxy's shape.
  boost::json::object to_json() const;
};

// A toxic as the network plugin runs it.
struct ToxicFault {
  std::string kind;  // "latency", "bandwidth" or "outage"; "" when the toxic does nothing
  boost::json::object params;  // without "listen" and "upstream"
};

// Parses a POST /proxies/{p}/toxics body. Errors are InvalidArgument worded as Toxiproxy's,
// with the field named ("bad request body: attributes.latency: expected an integer, got
// \"10\""), or NotFound for an unknown type ("invalid toxic type ...").
Result<Toxic> parse_toxic(const boost::json::value& body);

// Applies a POST /proxies/{p}/toxics/{t} body: new attributes (merged over the old ones) and
// toxicity; name, type and stream stay.
Result<Toxic> update_toxic(const Toxic& toxic, const boost::json::value& body);

ToxicFault toxic_fault(const Toxic& toxic);

}  // namespace chaos::proxies
