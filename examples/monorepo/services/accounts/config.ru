# frozen_string_literal: true

require_relative 'config/datadog'
require_relative 'app'

run AccountsApp
