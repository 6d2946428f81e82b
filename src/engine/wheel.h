// The timing wheel the agent engine keeps its customers in: a slot per (tick its dwell ends,
// moment) holds the customers whose outcome is drawn at that tick, so a tick touches only the
// customers who finish in it and waiting costs nothing. A slot is a list of fixed-size blocks
// from a shared pool (all full but the last), so memory stays within one block per slot of what
// the customers need. Internal to the engine: simulation.h includes it for Customer and for its
// for_each_customer templates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace motsim {

// One customer in the journey: 20 bytes, moved as one record.
struct Customer {
    float impression;         // s in [-1, 1]
    std::uint32_t id;         // order of arrival
    std::int32_t since;       // the tick it entered its current moment
    std::int16_t moment;      // where it is (scenarios have at most 1000 moments)
    std::int16_t from;        // where it came from (-1: it arrived), for animation
    std::uint16_t purchases;  // purchases so far (saturates at 65535)
    std::uint8_t segment;
    std::uint8_t flags;  // Simulation::kFlag*: how it entered its current moment
};
static_assert(sizeof(Customer) == 20, "customer records are packed to 20 bytes");

// Purchases after one more outcome: one more if it bought, saturating at 65535.
inline std::uint16_t after_purchase(std::uint16_t purchases, bool bought) {
    return static_cast<std::uint16_t>(purchases + (static_cast<unsigned>(bought) & (purchases != 0xffff)));
}

class Wheel {
public:
    static constexpr std::size_t kBlock = 512;  // customers per block
    struct Block {
        Customer c[kBlock];
    };
    struct Slot {
        std::vector<std::uint32_t> blocks;  // indices into the wheel's blocks, all full but the last
        Customer* tail = nullptr;           // the next free place in the last block
        Customer* end = nullptr;            // the end of the last block (tail == end: full)
        std::size_t size() const { return blocks.size() * kBlock - static_cast<std::size_t>(end - tail); }
    };
    // Where the rows start now and how slots are laid out: a value the pass copies into locals
    // (a store into a customer record may alias any member, which would reload them all).
    // Slots are by row (due tick) and column (moment): row * columns + column.
    struct Cursor {
        Slot* slots;
        std::size_t rows, columns, now;  // now: the row of the current tick
        // THE slot address: the slot of the tick `ahead` ticks from now (0 <= ahead < rows) in
        // `column`. No division.
        Slot& slot(std::size_t ahead, std::size_t column) const {
            std::size_t row = now + ahead;
            if (row >= rows) row -= rows;
            return slots[row * columns + column];
        }
    };

    Wheel() = default;
    Wheel(const Wheel& o) { *this = o; }
    Wheel& operator=(const Wheel& o);  // copies the blocks and points each slot into the copies
    Wheel(Wheel&&) noexcept = default;
    Wheel& operator=(Wheel&&) noexcept = default;

    // An empty wheel of `rows` ticks for `moments` moments, the current tick at `tick`. Each
    // moment has its own column unless that would make too many slots; then moment m shares
    // column m % columns.
    void reshape(std::size_t rows, std::size_t moments, int tick);
    std::size_t rows() const { return rows_; }
    std::size_t columns() const { return columns_; }
    std::size_t column_of(int moment) const { return static_cast<std::size_t>(moment) % columns_; }
    Cursor cursor() { return {slots_.data(), rows_, columns_, now_}; }
    void advance() {  // to the next tick
        if (++now_ == rows_) now_ = 0;
    }

    void append(Slot& s, const Customer& c) {
        if (s.tail == s.end) fresh(s);
        *s.tail++ = c;
    }
    // Appends `count` records to s in runs that fill its blocks: write(out, first, k) writes
    // the records first .. first + k - 1 of the run to out[0 .. k).
    template <class Write>
    void append_runs(Slot& s, std::size_t count, Write&& write) {
        for (std::size_t first = 0; first < count;) {
            if (s.tail == s.end) fresh(s);
            Customer* const out = s.tail;
            const std::size_t room = static_cast<std::size_t>(s.end - out);
            const std::size_t k = count - first < room ? count - first : room;
            write(out, first, k);
            s.tail = out + k;
            first += k;
        }
    }
    void fresh(Slot& s);  // a new last block for s (a spare or a new one)
    void empty(Slot& s);  // its blocks back to the spares
    void empty_all();     // every slot's
    // The due slot's blocks, detached for a pass (the slot is left empty); each is handed back
    // with release() once drawn.
    void detach(Slot& s, std::vector<std::uint32_t>& into);
    void release(std::uint32_t block) { spare_.push_back(block); }
    Customer* block(std::uint32_t b) { return blocks_[b]->c; }

    // Calls f(customer, ticks_left) for every customer, soonest due first (ticks_left = 1: due
    // this tick).
    template <class F>
    void for_each(F&& f) const;
    // Every `stride`-th customer of for_each's order, f(customer).
    template <class F>
    void for_each_strided(std::size_t stride, F&& f) const;

    std::size_t memory_bytes() const;  // blocks, spares and slots

private:
    template <class F>
    void walk(std::size_t stride, F&& f) const;
    const Slot& slot_at(std::size_t ahead, std::size_t column) const {
        return const_cast<Wheel*>(this)->cursor().slot(ahead, column);
    }
    std::vector<std::unique_ptr<Block>> blocks_;
    std::vector<std::uint32_t> spare_;  // blocks in no slot
    std::vector<Slot> slots_;
    std::size_t rows_ = 0, columns_ = 1, now_ = 0;
};

template <class F>
void Wheel::for_each(F&& f) const {
    walk(1, f);
}

template <class F>
void Wheel::for_each_strided(std::size_t stride, F&& f) const {
    walk(stride, [&](const Customer& c, int) { f(c); });
}

// The one walk over the wheel: every `stride`-th customer, f(customer, ticks_left). Blocks that
// hold none of them are skipped whole.
template <class F>
void Wheel::walk(std::size_t stride, F&& f) const {
    if (stride == 0) stride = 1;
    std::size_t next = 0;  // position (in the walk's order) of the next one to visit
    std::size_t pos = 0;   // position of the current block's first customer
    for (std::size_t k = 0; k < rows_; ++k)
        for (std::size_t col = 0; col < columns_; ++col) {
            const Slot& s = slot_at(k, col);
            std::size_t left = s.size();
            for (std::uint32_t b : s.blocks) {
                const std::size_t n = left < kBlock ? left : kBlock;
                if (next < pos + n) {
                    const Block& block = *blocks_[b];
                    std::size_t i = next - pos;
                    for (; i < n; i += stride) f(block.c[i], static_cast<int>(k) + 1);
                    next = pos + i;
                }
                pos += n;
                left -= n;
            }
        }
}

}  // namespace motsim
