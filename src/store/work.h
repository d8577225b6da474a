#pragma once
// The unit of work: one domain operation's writes, committed in one transaction together with its
// audit entries, and what may only happen once they are durable (publishing events).
// Nothing registered with after_commit runs for a change that rolled back.
//
//   return store::Work::run(db_, [&](store::Work& w) {
//     db_.exec("UPDATE ...");
//     audit_.append(by.event("case.acknowledge", ...));   // same transaction
//     bus_.publish_on_commit(e);                          // after COMMIT (or with it, in a cluster)
//     return result;
//   });
//
// An operation that calls another joins the caller's unit: one transaction, one commit, and the
// inner operation's after-commit work waits for the outer commit.
//
// On a PostgreSQL store shared by several API servers, a unit runs alone among the cluster's writers (Writers::
// exclusive) unless it is started `Writers::shared` by an operation whose rules hold under row locks against the
// other shared ones (store/db.h). A shared unit writes its audit entries and events at its end, in commit order;
// when it loses a deadlock to another, it is rolled back (its on_rollback work runs) and run again from the start,
// up to kAttempts times: its body must do nothing outside the store but through after_commit.
#include <functional>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/db.h"

namespace watchfloor::store {

class Work {
 public:
  static constexpr int kAttempts = 5;

  // `writers` applies to a unit that begins here; an inner one joins the outer unit, as it runs.
  template <class F>
  static auto run(Db& db, F&& body, Writers writers = Writers::exclusive) -> std::invoke_result_t<F&, Work&> {
    using R = std::invoke_result_t<F&, Work&>;
    if (Work* outer = current()) return body(*outer);
    // A bare transaction around an operation would publish its events at the inner "commit", before the
    // real one (and after a rollback): every caller that writes through the domain runs a unit instead.
    if (db.in_transaction()) throw std::logic_error("store::Work inside a bare Db::transaction: use store::Work::run");
    Work w(db, writers);
    if constexpr (std::is_void_v<R>) {
      w.commit([&] { body(w); });
    } else {
      std::optional<R> out;
      w.commit([&] { out.emplace(body(w)); });
      return std::move(*out);
    }
  }

  // Runs after the commit, in the order registered. A non-empty `key` replaces what an earlier call with
  // the same key registered (and moves it last): one "case 7 changed" per unit, with its final state.
  void after_commit(std::function<void()> f, std::string key = {});
  // Runs inside the transaction, after the body and just before COMMIT, in the order registered; `key` as above.
  // For what must commit with the change but is known only at its end (an event's row in the cluster's log).
  void before_commit(std::function<void()> f, std::string key = {});
  // Runs when the unit rolls back (a cache that may hold what was just undone).
  void on_rollback(std::function<void()> f);

  Db& db() { return db_; }
  Writers writers() const { return writers_; }
  // The unit the calling thread is inside, or nullptr.
  static Work* current();

 private:
  Work(Db& db, Writers writers) : db_(db), writers_(writers) {}
  void commit(const std::function<void()>& body);
  void attempt(const std::function<void()>& body);

  struct After {
    std::string key;
    std::function<void()> fn;
  };
  static void add(std::vector<After>& list, std::function<void()> f, std::string key);
  Db& db_;
  const Writers writers_;
  std::vector<After> before_, after_;
  std::vector<std::function<void()>> undo_;
};

// The next number of a document series ("case:HP-CKKV1:2026"), within the caller's unit of work: read and
// bumped in the transaction that uses it, never counted from the documents themselves.
int64_t next_number(Db& db, const std::string& series);

// Many rows in one INSERT (a statement per 1,000 rows): one round trip on PostgreSQL instead of one per row. `head` is
// the statement up to its rows ("INSERT INTO t(a, b) VALUES "), `params` the rows' values one row after the other,
// `width` per row, `tail` what follows the rows (an ON CONFLICT clause, or empty). Rows are inserted in their order.
// Returns the `returning` columns of the rows inserted or updated ("id, user_id"; empty: nothing), in no promised
// order: return a key with them.
std::vector<Row> insert_rows(Db& db, std::string_view head, size_t width, const std::vector<Value>& params,
                             std::string_view tail = {}, std::string_view returning = {});

}  // namespace watchfloor::store
