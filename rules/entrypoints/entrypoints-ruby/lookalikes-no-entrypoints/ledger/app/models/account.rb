class Account < ApplicationRecord
  has_many :entries
  scope :active, -> { where(closed_at: nil) }

  def resource
    entries.last
  end
end
