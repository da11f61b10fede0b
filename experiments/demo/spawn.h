#pragma once
// Shared pieces for the demo's Asio coroutines. Handlers never throw by design (errors come
// back as values via as_tuple); spawn_logged is the backstop that turns an escaped exception
// into a log line instead of a silently dropped coroutine.

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>

namespace chaos::demo {

// Completion token: an awaited operation yields (error_code, results...) instead of throwing.
inline constexpr auto kAwaitTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

template <typename Executor, typename Awaitable>
void spawn_logged(Executor&& executor, Awaitable&& awaitable) {
  boost::asio::co_spawn(std::forward<Executor>(executor), std::forward<Awaitable>(awaitable),
                        [](std::exception_ptr error) {
                          if (!error) return;
                          try {
                            std::rethrow_exception(error);
                          } catch (const std::exception& e) {
                            spdlog::error("coroutine ended with an exception: {}", e.what());
                          }
                        });
}

}  // namespace chaos::demo
