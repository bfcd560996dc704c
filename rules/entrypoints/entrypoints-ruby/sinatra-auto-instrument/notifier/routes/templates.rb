# frozen_string_literal: true

# Routes for /templates, registered by the app with `register TemplatesRoutes`.
module TemplatesRoutes
  def self.registered(app)
    app.get "/templates" do # expect: entrypoints-ruby
      json Template.all
    end

    app.put "/templates/:id" do # expect: entrypoints-ruby
      Datadog::Tracing.trace("templates.update") { Template.find(params[:id]).update!(payload) }
      status 204
    end
  end
end
