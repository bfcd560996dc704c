module Search
  class ReindexWorker # expect: entrypoints-ruby
    include Sidekiq::Worker

    def perform(index_name = "products")
      Search::Index.new(index_name).rebuild!
    end
  end
end
