gem
gem ''
gem 'ddtrace', require: 'ddtrace/auto_instrument
gem "x", "
group :a do
  gem 'y', git: 'z', ref: '
end end end
