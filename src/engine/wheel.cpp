#include "engine/wheel.h"

#include <algorithm>

namespace motsim {

namespace {
constexpr std::size_t kMaxSlots = 1 << 16;  // beyond it, moments share columns
}  // namespace

void Wheel::reshape(std::size_t rows, std::size_t moments, int tick) {
    rows_ = rows;
    columns_ = rows * moments <= kMaxSlots ? moments : std::max<std::size_t>(1, kMaxSlots / rows);
    slots_.clear();
    slots_.resize(rows * columns_);
    now_ = static_cast<std::size_t>(tick) % rows;
}

Wheel& Wheel::operator=(const Wheel& o) {
    if (this == &o) return *this;
    blocks_.clear();
    blocks_.reserve(o.blocks_.size());
    for (const auto& b : o.blocks_) blocks_.push_back(std::make_unique<Block>(*b));
    spare_ = o.spare_;
    slots_ = o.slots_;
    rows_ = o.rows_;
    columns_ = o.columns_;
    now_ = o.now_;
    for (std::size_t k = 0; k < slots_.size(); ++k) {
        Slot& s = slots_[k];
        if (s.blocks.empty()) continue;
        const Slot& from = o.slots_[k];
        Customer* begin = blocks_[s.blocks.back()]->c;
        s.tail = begin + (from.tail - (from.end - kBlock));
        s.end = begin + kBlock;
    }
    return *this;
}

void Wheel::fresh(Slot& s) {
    std::uint32_t b;
    if (!spare_.empty()) {
        b = spare_.back();
        spare_.pop_back();
    } else {
        blocks_.push_back(std::make_unique<Block>());
        b = static_cast<std::uint32_t>(blocks_.size() - 1);
    }
    s.blocks.push_back(b);
    s.tail = blocks_[b]->c;
    s.end = s.tail + kBlock;
}

void Wheel::empty(Slot& s) {
    spare_.insert(spare_.end(), s.blocks.begin(), s.blocks.end());
    s.blocks.clear();
    s.tail = s.end = nullptr;
}

void Wheel::empty_all() {
    for (Slot& s : slots_) empty(s);
}

void Wheel::detach(Slot& s, std::vector<std::uint32_t>& into) {
    into.swap(s.blocks);  // (into was empty: the slot keeps its capacity for the next tick)
    s.tail = s.end = nullptr;
}

std::size_t Wheel::memory_bytes() const {
    std::size_t bytes =
        blocks_.size() * sizeof(Block) + spare_.capacity() * sizeof(std::uint32_t) + slots_.capacity() * sizeof(Slot);
    for (const Slot& s : slots_) bytes += s.blocks.capacity() * sizeof(std::uint32_t);
    return bytes;
}

}  // namespace motsim
