// The event loop clients run on: one io_context and its threads. A Client made without a Runtime owns one
// with a single thread; a load generator shares one Runtime among thousands of clients.
#pragma once
#include <memory>

namespace boost::asio {
class io_context;
}

namespace gridhub::device {

// Thread-safe. Each client serialises its own work on a strand, so with several threads different clients
// run in parallel and one client's callbacks never overlap. REQUIRES: a Runtime outlives its clients; it is
// not destroyed from one of its own threads.
class Runtime {
 public:
  // Starts `threads` io threads (at least 1).
  explicit Runtime(unsigned threads = 1);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  boost::asio::io_context& context();
  unsigned threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridhub::device
