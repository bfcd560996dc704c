namespace :ledger do
  desc "Close the books for yesterday"
  task close: :environment do
    Ledger::Close.new(Date.yesterday).call
  end
end
