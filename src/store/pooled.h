#pragma once
// What SQLite and PostgreSQL share behind store::Db (db.h): one writer connection for exec() and every
// transaction(), held by one thread at a time, and a pool of readers for the queries outside a transaction and
// for read(). `Conn` runs statements (`run(sql, params)`, `raw(sql)`, `rollback()` that never throws); the store
// says how its transactions begin and tracks its last insert ids. Private to src/store/.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/db.h"

namespace watchfloor::store {

template <class Conn>
class PooledDb : public Db {
 public:
  std::vector<Row> query(std::string_view sql, const std::vector<Value>& params) override {
    if (readers_.empty() || in_transaction()) {
      std::lock_guard lock(mu_);
      return writer_->run(sql, params);
    }
    if (Conn* held = held_reader()) return held->run(sql, params);
    Lease lease(*this);
    return lease.conn->run(sql, params);
  }

  int64_t last_insert_id() override { return last_insert.db == this ? last_insert.id : 0; }

  using Db::transaction;
  void transaction(const std::function<void()>& body, Writers writers) override {
    std::lock_guard lock(mu_);
    if (depth_ > 0) {
      ++depth_;
      try { body(); } catch (...) { --depth_; throw; }
      --depth_;
      return;
    }
    writer_->raw(begin_write(writers));
    ++transactions_;
    writers_ = writers;
    depth_ = 1;
    tx_thread_ = std::this_thread::get_id();
    try {
      body();
      writer_->raw("COMMIT");
      end_transaction();
    } catch (...) {
      end_transaction();
      writer_->rollback();
      throw;
    }
    committed();
  }

  void read(const std::function<void()>& body) override {
    if (readers_.empty() || in_transaction()) {
      std::lock_guard lock(mu_);
      return body();
    }
    if (held_reader()) return body();
    Lease lease(*this);
    held.push_back({this, lease.conn});
    // The snapshot is taken by the first query and kept to the end.
    lease.conn->raw(begin_read());
    try {
      body();
    } catch (...) {
      held.pop_back();
      lease.conn->rollback();
      throw;
    }
    held.pop_back();
    lease.conn->raw("COMMIT");
  }

  // True on the thread that runs the open write transaction (only that thread can see its own id there).
  bool in_transaction() const override { return tx_thread_.load() == std::this_thread::get_id(); }

 protected:
  explicit PooledDb(std::unique_ptr<Conn> writer) : writer_(std::move(writer)) {}
  ~PooledDb() override { readers_.clear(); }

  virtual const char* begin_write(Writers writers) const = 0;
  virtual const char* begin_read() const = 0;
  // After a write transaction committed, with the writer held.
  virtual void committed() {}

  void add_reader(std::unique_ptr<Conn> c) {
    free_.push_back(c.get());
    readers_.push_back(std::move(c));
  }
  void close_readers() {
    free_.clear();
    readers_.clear();
  }
  // The calling thread's last INSERT (the writer is shared: a connection's own last id may be another thread's).
  void inserted(int64_t id) { last_insert = {this, id}; }
  int depth() const { return depth_; }
  // How the open write transaction runs beside other servers' writers.
  Writers writers() const { return writers_; }
  // How many write transactions have begun: tells one transaction from the next.
  uint64_t transactions() const { return transactions_; }

  std::unique_ptr<Conn> writer_;
  std::recursive_mutex mu_;  // the writer

 private:
  // A reader taken from the pool for one query or one read(); waits while every reader is busy.
  struct Lease {
    explicit Lease(PooledDb& db) : db(db) {
      std::unique_lock lock(db.pool_mu_);
      db.pool_cv_.wait(lock, [&] { return !db.free_.empty(); });
      conn = db.free_.back();
      db.free_.pop_back();
    }
    ~Lease() {
      {
        std::lock_guard lock(db.pool_mu_);
        db.free_.push_back(conn);
      }
      db.pool_cv_.notify_one();
    }
    PooledDb& db;
    Conn* conn = nullptr;
  };

  void end_transaction() {
    depth_ = 0;
    tx_thread_ = std::thread::id();
  }
  Conn* held_reader() const {
    for (const auto& h : held)
      if (h.db == this) return h.conn;
    return nullptr;
  }

  int depth_ = 0;
  uint64_t transactions_ = 0;
  Writers writers_ = Writers::exclusive;
  std::atomic<std::thread::id> tx_thread_{};
  std::vector<std::unique_ptr<Conn>> readers_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Conn*> free_;
  struct LastInsert {
    const PooledDb* db = nullptr;
    int64_t id = 0;
  };
  static inline thread_local LastInsert last_insert;
  // The readers the calling thread holds in read(), one per database.
  struct Held {
    const PooledDb* db;
    Conn* conn;
  };
  static inline thread_local std::vector<Held> held;
};

}  // namespace watchfloor::store
