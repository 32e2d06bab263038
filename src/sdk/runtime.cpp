// Runtime: an io_context kept alive by a work guard and run by its threads.
#include "gridhub/device/runtime.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>
#include <vector>

namespace gridhub::device {

struct Runtime::Impl {
  explicit Impl(unsigned n) : io(static_cast<int>(n)), guard(boost::asio::make_work_guard(io)) {}
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard;
  std::vector<std::thread> threads;
};

Runtime::Runtime(unsigned threads) : impl_(std::make_unique<Impl>(threads == 0 ? 1 : threads)) {
  for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i)
    impl_->threads.emplace_back([io = &impl_->io] { io->run(); });
}

Runtime::~Runtime() {
  impl_->guard.reset();
  // Clients are closed before their Runtime goes (REQUIRES): what is left are cancelled timers and reads
  // finishing; stop() drops them instead of waiting for them.
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
}

boost::asio::io_context& Runtime::context() { return impl_->io; }

unsigned Runtime::threads() const { return static_cast<unsigned>(impl_->threads.size()); }

}  // namespace gridhub::device
