set :output, "log/cron.log"

every 1.day, at: "4:30 am" do
  runner "Inventory.reconcile!" # expect: entrypoints-ruby
end

every :hour do
  rake "orders:expire_carts" # expect: entrypoints-ruby
end

every "0 0 1 * *" do
  command "/usr/local/bin/rotate-invoices" # expect: entrypoints-ruby
end
