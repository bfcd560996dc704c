require_relative "app"

run Notifier
